// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementQueue;

/**
 * A settlement queue that tells, after each commit, which payments' settlement changed (submitted, settled,
 * failed, back to pending): the settlement worker writes through it, and the till's event stream hears of it.
 * The worker always reads an item (pending, or in flight) before it writes about it, so the item's payment is
 * known by then, also after a restart.
 */
public final class PublishingSettlementQueue implements SettlementQueue {
    private static final Logger LOG = Logger.getLogger(PublishingSettlementQueue.class.getName());
    private final SettlementQueue queue;
    private final Consumer<String> paymentChanged;
    private final Map<Long, String> paymentBySequence = new ConcurrentHashMap<>();

    public PublishingSettlementQueue(SettlementQueue queue, Consumer<String> paymentChanged) {
        this.queue = queue;
        this.paymentChanged = paymentChanged;
    }

    @Override
    public List<Queued> pending(int limit, Instant now) {
        return remembered(queue.pending(limit, now));
    }

    @Override
    public Batch submit(SignedTransaction transaction, List<Queued> items, Instant now) {
        Batch batch = queue.submit(transaction, items, now);
        remembered(batch.items()).forEach(item -> tell(item.sequence()));
        return batch;
    }

    @Override
    public Batch replace(long batchId, SignedTransaction replacement, Instant now) {
        // The items' transaction changed, and the payment object shows its hash.
        Batch batch = queue.replace(batchId, replacement, now);
        remembered(batch.items()).forEach(item -> tell(item.sequence()));
        return batch;
    }

    @Override
    public List<Batch> inFlight() {
        List<Batch> batches = queue.inFlight();
        batches.forEach(batch -> remembered(batch.items()));
        return batches;
    }

    @Override
    public void resolvePending(long sequence, Outcome outcome, Instant now) {
        queue.resolvePending(sequence, outcome, now);
        tell(sequence);
        forgetIfFinal(sequence, outcome);
    }

    @Override
    public void complete(long batchId, Map<Long, Outcome> outcomesBySequence, Instant now) {
        queue.complete(batchId, outcomesBySequence, now);
        outcomesBySequence.forEach((sequence, outcome) -> {
            tell(sequence);
            forgetIfFinal(sequence, outcome);
        });
    }

    private List<Queued> remembered(List<Queued> items) {
        items.forEach(item -> paymentBySequence.put(item.sequence(), item.redemption().paymentId()));
        return items;
    }

    private void forgetIfFinal(long sequence, Outcome outcome) {
        if (!(outcome instanceof Outcome.Retry)) {
            paymentBySequence.remove(sequence);
        }
    }

    /** Told after the commit; a listener's fault must never undo or stop the settlement that happened. */
    private void tell(long sequence) {
        String paymentId = paymentBySequence.get(sequence);
        if (paymentId == null) {
            return;
        }
        try {
            paymentChanged.accept(paymentId);
        } catch (RuntimeException fault) {
            LOG.log(Level.WARNING, "telling of a settlement change of payment " + paymentId + " failed", fault);
        }
    }

    @Override
    public String toString() {
        return queue.toString();
    }
}
