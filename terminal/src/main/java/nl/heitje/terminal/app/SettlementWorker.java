package nl.heitje.terminal.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.Fate;
import nl.heitje.terminal.port.SettlementChain.Receipt;
import nl.heitje.terminal.port.SettlementChain.UsedAuthorization;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.port.SettlementQueue.Batch;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.port.SettlementQueue.Queued;

/**
 * Moves approved redemptions onto the chain, one batch at a time. The order of its steps is what makes it
 * crash-safe: a batch's signed transaction is committed to the journal before it is broadcast, and a batch still
 * in flight (after a crash, or while waiting for its receipt) is always finished before a new one is built.
 */
public final class SettlementWorker {
    /** After this many batches that did not run (reverted or replaced), an item is given up as failed. */
    static final int MAX_ATTEMPTS = 3;
    private static final Logger LOG = Logger.getLogger(SettlementWorker.class.getName());

    private final SettlementQueue queue;
    private final SettlementChain chain;
    private final Connectivity connectivity;
    private final int batchSize;

    public SettlementWorker(SettlementQueue queue, SettlementChain chain, Connectivity connectivity, int batchSize) {
        this.queue = queue;
        this.chain = chain;
        this.connectivity = connectivity;
        this.batchSize = Math.max(1, Math.min(batchSize, chain.maxBatchSize()));
    }

    /** What one round did, so the caller can decide how soon to run the next. */
    public enum Round { OFFLINE, IDLE, AWAITING_RECEIPT, SUBMITTED, COMPLETED, REJECTED }

    /** One round: finish what is in flight, else submit the next batch. Never throws for chain faults. */
    public synchronized Round runOnce() {
        if (!connectivity.isOnline()) {
            return Round.OFFLINE;
        }
        try {
            List<Batch> inFlight = queue.inFlight();
            return inFlight.isEmpty() ? submitNextBatch() : finish(inFlight);
        } catch (ChainUnavailableException unreachable) {
            connectivity.markOffline();
            return Round.OFFLINE;
        } catch (ChainRejectedException refused) {
            // E.g. the settlement account ran out of gas money: nothing is lost, the round is tried again later.
            LOG.warning("settlement round refused by the node: " + refused.getMessage());
            return Round.REJECTED;
        }
    }

    private Round finish(List<Batch> inFlight) {
        boolean allDone = true;
        for (Batch batch : inFlight) {
            allDone &= resolve(batch);
        }
        return allDone ? Round.COMPLETED : Round.AWAITING_RECEIPT;
    }

    private Round submitNextBatch() {
        List<Queued> pending = queue.pending(batchSize);
        if (pending.isEmpty()) {
            return Round.IDLE;
        }
        List<Queued> items = new ArrayList<>();
        for (Queued item : pending) {
            // An item that was in a batch before may have been used on chain since, by anyone: look first.
            Optional<Outcome> meanwhile = item.attempts() > 0 ? outcomeWithoutUs(item) : Optional.empty();
            if (meanwhile.isPresent()) {
                queue.resolvePending(item.sequence(), meanwhile.get());
            } else {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            return Round.COMPLETED;
        }
        List<TransferAuthorization> authorizations = items.stream().map(q -> q.redemption().authorization()).toList();
        SettlementChain.SignedTransaction signed = chain.sign(authorizations);
        Batch batch = queue.submit(signed.hash(), signed.raw(), signed.accountNonce(), items);
        chain.broadcast(signed.raw());
        return resolve(batch) ? Round.COMPLETED : Round.SUBMITTED;
    }

    /** True when the batch's outcome is now recorded. */
    private boolean resolve(Batch batch) {
        Optional<Receipt> receipt = chain.receipt(batch.txHash());
        if (receipt.isPresent()) {
            queue.complete(batch.id(), outcomesOf(batch, receipt.get()));
            return true;
        }
        if (chain.minedAccountNonce() > batch.accountNonce()) {
            // Our account nonce was used by another transaction: this one can never be mined. The chain's own
            // record of each authorization tells what happened to it.
            Map<Long, Outcome> outcomes = new HashMap<>();
            for (Queued item : batch.items()) {
                outcomes.put(item.sequence(), outcomeWithoutUs(item)
                        .orElseGet(() -> retryOrFail(item, "transaction replaced before it was mined")));
            }
            queue.complete(batch.id(), outcomes);
            return true;
        }
        // Not mined and still possible: it may never have left this machine before a crash. Same bytes, same hash.
        chain.broadcast(batch.rawTransaction());
        return false;
    }

    private Map<Long, Outcome> outcomesOf(Batch batch, Receipt receipt) {
        Map<Long, Outcome> outcomes = new HashMap<>();
        for (Queued item : batch.items()) {
            TransferAuthorization authorization = item.redemption().authorization();
            Outcome outcome = receipt.used().contains(UsedAuthorization.of(authorization))
                    ? new Outcome.Settled(receipt.txHash())
                    : outcomeWithoutUs(item)
                            // Still unused: the contract refuses it (expired, no funds) for good, or if it would
                            // pass now, it gets another batch.
                            .or(() -> chain.whyNotSettleable(authorization).map(Outcome.Failed::new))
                            .orElseGet(() -> retryOrFail(item, (receipt.succeeded() ? "not executed by " : "reverted: ")
                                    + receipt.txHash()));
            outcomes.put(item.sequence(), outcome);
        }
        return outcomes;
    }

    /** The outcome of an authorization that the chain shows consumed other than by our batch; empty while unused. */
    private Optional<Outcome> outcomeWithoutUs(Queued item) {
        Fate fate = chain.fate(item.redemption().authorization());
        return switch (fate.state()) {
            case TRANSFERRED -> Optional.of(new Outcome.Settled(fate.txHash()));
            case CANCELLED -> Optional.of(new Outcome.Failed("cancelled by the payer in " + fate.txHash()));
            case USED_UNTRACEABLE -> Optional.of(new Outcome.Failed("used on chain by a transaction the node no longer shows"));
            case UNUSED -> Optional.empty();
        };
    }

    private static Outcome retryOrFail(Queued item, String reason) {
        return item.attempts() + 1 >= MAX_ATTEMPTS ? new Outcome.Failed(reason) : new Outcome.Retry(reason);
    }
}
