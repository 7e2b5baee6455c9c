// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.LineScannerSource;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.QrSource;

/**
 * A scanner in serial mode (RS-232, or USB CDC-ACM as {@code /dev/ttyACM0}): it sends each code as a line.
 * Opened again when the port goes away and comes back; each line goes to the terminal on a thread of its own.
 */
public final class SerialQrSource implements QrSource {
    private final LineScannerSource lines;

    /** The production scanner on the port at {@code portPath} (e.g. {@code /dev/serial/by-id/...}). */
    public static SerialQrSource ofPort(String portPath, SerialSettings settings) {
        return new SerialQrSource("serial " + portPath, () -> SerialPortStream.open(portPath, settings),
                ScanLineFramer.DEFAULT_MAX_LENGTH, reason -> { }, Duration.ofMillis(500));
    }

    /** Any byte stream (the simulator's, a test's); {@code dropObserver} hears each dropped line and why. */
    public SerialQrSource(String name, DeviceLoop.Opener opener, int maxLength, Consumer<String> dropObserver,
                          Duration firstRetry) {
        this.lines = new LineScannerSource(name, opener, framer -> new SerialLineDecoder(framer)::decode, maxLength,
                dropObserver, firstRetry);
    }

    @Override
    public void start(ScanHandler handler) {
        lines.start(handler);
    }

    @Override
    public void close() {
        lines.close();
    }
}
