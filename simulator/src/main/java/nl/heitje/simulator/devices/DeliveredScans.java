// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ScanResult;

/**
 * What became of each code a simulated device sent: the terminal's answer (caught on its way back from the
 * handler the adapter calls) or the reason the adapter dropped it.
 */
final class DeliveredScans {
    private sealed interface Outcome permits Answered, Dropped {
    }

    private record Answered(String text, ScanResult result) implements Outcome {
    }

    private record Dropped(String reason) implements Outcome {
    }

    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    QrSource.ScanHandler watching(QrSource.ScanHandler handler) {
        return text -> {
            ScanResult result = handler.onScan(text);
            outcomes.add(new Answered(text, result));
            return result;
        };
    }

    void dropped(String reason) {
        outcomes.add(new Dropped(reason));
    }

    /** Forgets outcomes of earlier codes, before a new one is sent. */
    void clear() {
        outcomes.clear();
    }

    /**
     * The terminal's answer to {@code text} (any text when null); answers to other texts (an earlier code's late
     * answer) are skipped.
     */
    ScanResult await(String device, String text, Duration deadline) throws ScanNotDeliveredException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Outcome outcome;
            try {
                outcome = outcomes.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScanNotDeliveredException(device + ": interrupted while waiting for the terminal");
            }
            if (outcome == null) {
                throw new ScanNotDeliveredException(device + ": no answer from the terminal within " + deadline);
            }
            if (outcome instanceof Dropped dropped) {
                throw new ScanNotDeliveredException(device + ": " + dropped.reason());
            }
            Answered answered = (Answered) outcome;
            if (text == null || answered.text().equals(text)) {
                return answered.result();
            }
        }
    }
}
