// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.adapter.evdev.EvdevQrSource;
import nl.heitje.terminal.adapter.evdev.InputEventLayout;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.QrSource;

/** A keyboard-wedge USB scanner: it types each code as key events, read by the real {@link EvdevQrSource}. */
public final class SimulatedHidScanner extends PipeFedScanner {
    private final InputEventLayout layout;
    private final KeyEventEncoder keys;

    public SimulatedHidScanner(InputEventLayout layout) {
        super("simulated hid scanner");
        this.layout = layout;
        this.keys = new KeyEventEncoder(layout);
    }

    @Override
    QrSource adapter(DeviceLoop.Opener opener, Consumer<String> dropped) {
        return new EvdevQrSource("simulated hid scanner", opener, layout, ScanLineFramer.DEFAULT_MAX_LENGTH, dropped,
                Duration.ofMillis(20));
    }

    /** Refuses a character a US keyboard cannot type, before sending anything. */
    @Override
    byte[] bytesFor(String text) {
        return keys.encode(text);
    }
}
