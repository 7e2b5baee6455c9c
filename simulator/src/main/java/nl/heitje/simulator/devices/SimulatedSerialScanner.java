// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.adapter.serial.SerialQrSource;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.QrSource;

/** A serial-mode scanner: each code's bytes and a CR, read by the real {@link SerialQrSource}. */
public final class SimulatedSerialScanner extends PipeFedScanner {
    public SimulatedSerialScanner() {
        super("simulated serial scanner");
    }

    @Override
    QrSource adapter(DeviceLoop.Opener opener, Consumer<String> dropped) {
        return new SerialQrSource("simulated serial scanner", opener, ScanLineFramer.DEFAULT_MAX_LENGTH, dropped,
                Duration.ofMillis(20));
    }

    /** UTF-8 on the wire, as a scanner sends text it read; anything beyond ASCII is then the adapter's to drop. */
    @Override
    byte[] bytesFor(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] line = java.util.Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\r';
        return line;
    }
}
