// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a device's byte stream read for as long as the terminal runs: opens it, reads it until it ends (unplugged,
 * a camera command that exited), and opens it again after a pause that doubles while opening keeps failing. A
 * device that is missing at start-up is picked up when it is plugged in.
 */
public final class DeviceLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DeviceLoop.class.getName());

    /** Opens the device's stream; it is closed by the loop, possibly from another thread to stop a blocked read. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** Reads one opened stream until it ends. */
    @FunctionalInterface
    public interface Reader {
        void readUntilEnd(InputStream stream) throws IOException;
    }

    private final String name;
    private final Opener opener;
    private final Reader reader;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile InputStream current;

    public DeviceLoop(String name, Opener opener, Reader reader, Duration firstRetry, Duration maxRetry) {
        this.name = name;
        this.opener = opener;
        this.reader = reader;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.thread = new Thread(this::run, "device-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long retryMillis = firstRetry.toMillis();
        boolean failing = false;
        while (running) {
            try (InputStream stream = opener.open()) {
                current = stream;
                if (!running) {
                    return;
                }
                LOG.info(() -> name + ": opened");
                failing = false;
                retryMillis = firstRetry.toMillis();
                reader.readUntilEnd(stream);
                if (running) {
                    LOG.warning(() -> name + ": the stream ended; opening it again");
                }
            } catch (IOException | RuntimeException failure) {
                if (!running) {
                    return;
                }
                // Once per outage at WARNING: a scanner left unplugged must not fill the journal every few seconds.
                LOG.log(failing ? Level.FINE : Level.WARNING, name + ": " + failure + "; trying again", failure);
                failing = true;
            } finally {
                current = null;
            }
            try {
                Thread.sleep(retryMillis);
            } catch (InterruptedException stopping) {
                return;
            }
            retryMillis = Math.min(retryMillis * 2, maxRetry.toMillis());
        }
    }

    /** Stops reading: interrupts the loop and closes the open stream so that a blocked read returns. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        InputStream stream = current;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // Closing is best effort here; the loop thread closes the stream again on its way out.
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
