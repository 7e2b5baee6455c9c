package nl.heitje.terminal.port;

import java.util.List;
import java.util.Map;
import nl.heitje.terminal.domain.Redemption;

/**
 * The settlement side of the journal. A batch is persisted with its signed transaction before the transaction
 * is broadcast, so that after a crash the same transaction (same hash, same account nonce) is looked up or sent
 * again rather than built anew: an authorization is never lost and never submitted twice.
 */
public interface SettlementQueue {

    /** A redemption with its position in the journal and how many batches it has been in already. */
    record Queued(long sequence, Redemption redemption, int attempts) {
    }

    /** A signed settlement transaction and the redemptions it carries. */
    record Batch(long id, String txHash, String rawTransaction, long accountNonce, List<Queued> items) {
    }

    /** What the chain said about one item of a mined batch. */
    sealed interface Outcome {
        /** @param txHash the transaction that carried it: ours, or someone else's who relayed it first */
        record Settled(String txHash) implements Outcome {
        }

        record Failed(String reason) implements Outcome {
        }

        /** Not settled and not dead: back to pending for the next batch. */
        record Retry(String reason) implements Outcome {
        }
    }

    /** Oldest pending redemptions first. */
    List<Queued> pending(int limit);

    /** Persists the signed transaction and marks its items submitted; returns the batch with its id. */
    Batch submit(String txHash, String rawTransaction, long accountNonce, List<Queued> items);

    /** Batches whose transaction was persisted but whose outcome is not yet recorded. */
    List<Batch> inFlight();

    /**
     * Records what became of a pending redemption without a transaction of ours (someone else relayed it, or the
     * payer cancelled it). Only a final outcome, settled or failed, is accepted.
     */
    void resolvePending(long sequence, Outcome outcome);

    /** Records the outcome of every item of a batch and closes it, in one commit. */
    void complete(long batchId, Map<Long, Outcome> outcomesBySequence);
}
