// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.LineScannerSource;
import nl.heitje.terminal.port.PinPad;
import nl.heitje.terminal.port.ScanResult;

/**
 * A USB numeric keypad as the counter's PIN pad, read from its evdev device and grabbed like a keyboard-wedge
 * scanner, so the digits reach only the terminal (never the console, never a log). Digits then Enter make one
 * entry; any other key spoils the entry and it is dropped, so a citizen who slips simply keys it again.
 */
public final class EvdevPinPad implements PinPad {
    /** Longer than any PIN (4 to 6 digits): a longer entry is dropped unread rather than cut. */
    private static final int MAX_ENTRY = 16;

    private final String name;
    private final DeviceLoop.Opener opener;
    private final InputEventLayout layout;
    private final Duration firstRetry;
    private LineScannerSource lines;

    /** The keypad at {@code device} (best its {@code /dev/input/by-id/...-event-kbd} name). */
    public static EvdevPinPad ofDevice(Path device, String layout) {
        return new EvdevPinPad("pin pad " + device, () -> LinuxEventDevice.open(device), InputEventLayout.parse(layout),
                Duration.ofMillis(500));
    }

    /** Any stream of {@code input_event}s (a test's). */
    public EvdevPinPad(String name, DeviceLoop.Opener opener, InputEventLayout layout, Duration firstRetry) {
        this.name = name;
        this.opener = opener;
        this.layout = layout;
        this.firstRetry = firstRetry;
    }

    @Override
    public synchronized void start(Consumer<String> onEntry) {
        // The drop observer hears only why an entry was dropped (its length and the spoiling key), never its digits.
        lines = new LineScannerSource(name, opener, framer -> new KeyEventDecoder(layout, framer)::decode, MAX_ENTRY,
                reason -> { }, firstRetry);
        lines.start(entry -> {
            onEntry.accept(entry);
            return ScanResult.noPaymentWaiting();
        });
    }

    @Override
    public synchronized void close() {
        if (lines != null) {
            lines.close();
        }
    }
}
