// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.LineScannerSource;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.QrSource;

/**
 * A keyboard-wedge USB scanner read from its evdev device (best by its stable name,
 * {@code /dev/input/by-id/usb-...-event-kbd}), grabbed so its keys reach only the terminal, and opened again when
 * it is plugged back in. Each line it types goes to the terminal on a thread of its own.
 */
public final class EvdevQrSource implements QrSource {
    private final LineScannerSource lines;

    /** The production scanner: the device at {@code device}, events in {@code layout} ({@code auto|64|32}). */
    public static EvdevQrSource ofDevice(Path device, String layout) {
        return new EvdevQrSource("hid " + device, () -> LinuxEventDevice.open(device), InputEventLayout.parse(layout),
                ScanLineFramer.DEFAULT_MAX_LENGTH, reason -> { }, Duration.ofMillis(500));
    }

    /**
     * Any stream of {@code input_event}s (the simulator's, a test's). {@code dropObserver} hears each line that
     * was dropped and why, besides the log.
     */
    public EvdevQrSource(String name, DeviceLoop.Opener opener, InputEventLayout layout, int maxLength,
                         Consumer<String> dropObserver, Duration firstRetry) {
        this.lines = new LineScannerSource(name, opener, framer -> new KeyEventDecoder(layout, framer)::decode,
                maxLength, dropObserver, firstRetry);
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
