// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import nl.heitje.terminal.port.QrSource;

/**
 * A scanner that delivers codes as lines over a byte stream (key events of a keyboard-wedge, the bytes of a serial
 * one): the stream is read, and opened again when it ends, by a {@link DeviceLoop}; each complete line goes to the
 * terminal through a {@link ScanDispatch} on a thread of its own.
 */
public final class LineScannerSource implements QrSource {
    private static final int QUEUED_SCANS = 4;

    private final String name;
    private final DeviceLoop.Opener opener;
    private final Function<ScanLineFramer, DeviceLoop.Reader> decoder;
    private final int maxLength;
    private final Consumer<String> dropObserver;
    private final Duration firstRetry;
    private ScanDispatch dispatch;
    private DeviceLoop loop;

    /**
     * @param decoder      turns the device's bytes into characters for the line framer it is given
     * @param dropObserver hears each line that was dropped and why, besides the log
     */
    public LineScannerSource(String name, DeviceLoop.Opener opener, Function<ScanLineFramer, DeviceLoop.Reader> decoder,
                             int maxLength, Consumer<String> dropObserver, Duration firstRetry) {
        this.name = name;
        this.opener = opener;
        this.decoder = decoder;
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
        // A fresh framer for each opening: a line cut off when the device went away is dropped, never glued to the
        // first line after it comes back.
        loop = new DeviceLoop(name, opener,
                stream -> decoder.apply(new ScanLineFramer(maxLength, sink)).readUntilEnd(stream),
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
