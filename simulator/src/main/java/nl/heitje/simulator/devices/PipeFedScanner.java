// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ScanResult;

/**
 * A simulated scanner wired to the terminal through the real adapter: the terminal starts this source, which
 * starts the adapter on a pipe; a scan writes the bytes the physical scanner would send into the pipe and waits
 * for the terminal's answer to that code.
 */
abstract class PipeFedScanner implements QrSource {
    private final String device;
    private final DeliveredScans delivered = new DeliveredScans();
    private volatile BytePipe pipe;
    private QrSource adapter;

    PipeFedScanner(String device) {
        this.device = device;
    }

    /** The real adapter, reading streams from {@code opener} and telling {@code dropped} what it dropped. */
    abstract QrSource adapter(DeviceLoop.Opener opener, Consumer<String> dropped);

    /** What the physical device sends for one scan of {@code text}. */
    abstract byte[] bytesFor(String text);

    @Override
    public synchronized void start(ScanHandler handler) {
        if (adapter != null) {
            throw new IllegalStateException(device + " is already started");
        }
        // Bytes sent before the adapter (re)opens the device wait in the pipe, as in a real device's buffer.
        pipe = new BytePipe();
        adapter = adapter(() -> pipe, delivered::dropped);
        adapter.start(delivered.watching(handler));
    }

    /**
     * Scans {@code text} and answers what the terminal made of it, waiting at most {@code deadline}. One scan at a
     * time, as one scanner reads one code at a time.
     */
    public synchronized ScanResult scan(String text, Duration deadline) throws ScanNotDeliveredException {
        byte[] bytes = bytesFor(text);
        if (adapter == null) {
            throw new IllegalStateException("the terminal has not started " + device);
        }
        delivered.clear();
        pipe.write(bytes);
        return delivered.await(device, text, deadline);
    }

    /** Raw bytes as the device would send them, for faults a well-behaved scanner never makes. */
    public void sendRaw(byte[] bytes) {
        BytePipe current = pipe;
        if (current == null) {
            throw new IllegalStateException("the terminal has not started " + device);
        }
        current.write(bytes);
    }

    /** The device unplugged and plugged back in: the adapter sees its stream end and opens the new one. */
    public void replug() {
        BytePipe old = pipe;
        pipe = new BytePipe();
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized void close() {
        if (adapter != null) {
            adapter.close();
            adapter = null;
        }
        BytePipe current = pipe;
        if (current != null) {
            current.close();
        }
    }
}
