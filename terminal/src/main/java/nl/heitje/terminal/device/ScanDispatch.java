// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.port.QrSource;

/**
 * Hands scanned lines to the terminal on a thread of their own, so that the device's reader never waits for a
 * payment check (up to a chain look-up): a keyboard's kernel buffer holds only a few hundred events, fewer than
 * one payment code types, and would overflow meanwhile. A handler that throws costs that scan, not the thread.
 */
public final class ScanDispatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScanDispatch.class.getName());

    private final String name;
    private final QrSource.ScanHandler handler;
    private final Consumer<String> dropped;
    private final ThreadPoolExecutor executor;

    public ScanDispatch(String name, QrSource.ScanHandler handler, int capacity, Consumer<String> dropped) {
        this.name = name;
        this.handler = handler;
        this.dropped = dropped;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                runnable -> {
                    Thread thread = new Thread(runnable, "scan-" + name);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public void offer(String text) {
        try {
            executor.execute(() -> {
                try {
                    handler.onScan(text);
                } catch (RuntimeException failure) {
                    LOG.log(Level.SEVERE, name + ": the terminal failed on a scanned code", failure);
                }
            });
        } catch (RejectedExecutionException busy) {
            String reason = "scan dropped: " + (executor.isShutdown() ? "the scanner is closed"
                    : "codes are arriving faster than the terminal checks them");
            LOG.warning(() -> name + ": " + reason);
            dropped.accept(reason);
        }
    }

    /** Lines from a framer: complete ones to the terminal, dropped ones to the log and the observer. */
    public ScanLineFramer.Sink lineSink() {
        return new ScanLineFramer.Sink() {
            @Override
            public void line(String text) {
                offer(text);
            }

            @Override
            public void dropped(String reason) {
                LOG.warning(() -> name + ": " + reason);
                ScanDispatch.this.dropped.accept(reason);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
