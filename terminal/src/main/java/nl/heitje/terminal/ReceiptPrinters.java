// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.time.Clock;
import java.util.Optional;
import nl.heitje.config.ReceiptSettings;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.file.DeviceFilePrinter;
import nl.heitje.terminal.adapter.serial.SerialReceiptPrinter;
import nl.heitje.terminal.adapter.serial.SerialSettings;
import nl.heitje.terminal.app.ReceiptPrinting;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.port.ReceiptPrinter;

/** The receipt printer a config names, and the printing the terminal runs for whichever printer it is given. */
public final class ReceiptPrinters {
    private ReceiptPrinters() {
    }

    /** The real printer: a USB printer's device file, or a serial port; empty when the config names none. */
    public static Optional<ReceiptPrinter> fromConfig(ReceiptSettings settings) {
        if (settings.device().isPresent()) {
            return Optional.of(new DeviceFilePrinter(settings.device().get()));
        }
        return settings.serial().map(serial -> new SerialReceiptPrinter(serial.port(), new SerialSettings(
                serial.baud(), serial.dataBits(), serial.stopBits(), SerialSettings.parity(serial.parity()))));
    }

    /** Printing on the counter's printer, laid out as the config says; empty without a printer. */
    static Optional<ReceiptPrinting> printing(TerminalConfig config, CounterDevices devices, Clock clock) {
        ReceiptSettings settings = config.receipts();
        return devices.printer().map(printer -> new ReceiptPrinting(printer, new ReceiptPrinting.Settings(
                Printout.columnsOf(settings.paperWidthMm()), config.merchant().zone(),
                config.merchant().name().orElse("Merchant " + config.merchant().address()), settings.settlementUrl(),
                settings.auto(),
                settings.printZ()), clock));
    }
}
