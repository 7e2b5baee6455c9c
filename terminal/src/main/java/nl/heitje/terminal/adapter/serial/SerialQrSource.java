package nl.heitje.terminal.adapter.serial;

import java.time.Duration;
import java.util.function.Consumer;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.device.ScanDispatch;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.QrSource;

/**
 * A scanner in serial mode (RS-232, or USB CDC-ACM as {@code /dev/ttyACM0}): it sends each code as a line.
 * Opened again when the port goes away and comes back; each line goes to the terminal on a thread of its own.
 */
public final class SerialQrSource implements QrSource {
    private static final int QUEUED_SCANS = 4;

    private final String name;
    private final DeviceLoop.Opener opener;
    private final int maxLength;
    private final Consumer<String> dropObserver;
    private final Duration firstRetry;
    private ScanDispatch dispatch;
    private DeviceLoop loop;

    /** The production scanner on the port at {@code portPath} (e.g. {@code /dev/serial/by-id/...}). */
    public static SerialQrSource ofPort(String portPath, SerialSettings settings) {
        return new SerialQrSource("serial " + portPath, () -> SerialPortStream.open(portPath, settings),
                ScanLineFramer.DEFAULT_MAX_LENGTH, reason -> { }, Duration.ofMillis(500));
    }

    /** Any byte stream (the simulator's, a test's); {@code dropObserver} hears each dropped line and why. */
    public SerialQrSource(String name, DeviceLoop.Opener opener, int maxLength, Consumer<String> dropObserver,
                          Duration firstRetry) {
        this.name = name;
        this.opener = opener;
        this.maxLength = maxLength;
        this.dropObserver = dropObserver;
        this.firstRetry = firstRetry;
    }

    @Override
    public synchronized void start(ScanHandler handler) {
        if (loop != null) {
            throw new IllegalStateException(name + " is already started");
        }
        dispatch = new ScanDispatch(name, handler, QUEUED_SCANS, dropObserver);
        ScanLineFramer.Sink sink = dispatch.lineSink();
        loop = new DeviceLoop(name, opener,
                stream -> new SerialLineDecoder(new ScanLineFramer(maxLength, sink)).decode(stream),
                firstRetry, Duration.ofSeconds(10));
        loop.start();
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
            dispatch.close();
        }
    }
}
