// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import nl.heitje.terminal.codec.EscPos;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.port.ReceiptPrinter;

/**
 * An ESC/POS printer behind a device file: a USB printer-class printer as the kernel's {@code usblp} driver shows it
 * ({@code /dev/usb/lp0}), or anything else that takes the bytes as written (the simulator's printer is a FIFO).
 * The file is opened for each slip: a printer unplugged and plugged back in comes back under the same name, and
 * one that is gone fails that slip only.
 */
public final class DeviceFilePrinter implements ReceiptPrinter {
    private final Path device;

    public DeviceFilePrinter(Path device) {
        this.device = device;
    }

    @Override
    public void print(Printout printout) throws PrinterUnavailableException {
        byte[] bytes = EscPos.encode(printout);
        // Never CREATE: a missing /dev/usb/lp0 must stay missing, not become a file on the root file system.
        try (OutputStream out = Files.newOutputStream(device, StandardOpenOption.WRITE)) {
            out.write(bytes);
            out.flush();
        } catch (NoSuchFileException gone) {
            throw new PrinterUnavailableException("no printer at " + device + " (unplugged or switched off?)", gone);
        } catch (IOException failed) {
            throw new PrinterUnavailableException("printer " + device + " failed: " + failed.getMessage(), failed);
        }
    }

    /** The kernel removes a USB printer's device file when it is unplugged or switched off. */
    @Override
    public java.util.Optional<String> problem() {
        return Files.exists(device) ? java.util.Optional.empty()
                : java.util.Optional.of("no printer at " + device + " (unplugged or switched off?)");
    }

    @Override
    public String name() {
        return device.toString();
    }
}
