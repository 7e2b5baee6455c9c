// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;

/**
 * The settlement side of the journal. A batch is persisted with its signed transaction before the transaction
 * is broadcast, so that after a crash the same transaction (same hash, same account nonce) is looked up or sent
 * again rather than built anew: an authorization is never lost and never submitted twice. A stuck transaction is
 * replaced at the same account nonce, and each replacement is persisted before it is sent too, so at most one of
 * a batch's transactions can ever be mined.
 */
public interface SettlementQueue {

    /**
     * A redemption with its position in the journal, how often it was tried already (in a batch, or looked at and
     * postponed), and the block the terminal knew when it approved it (where a search for what became of it on
     * chain starts).
     */
    record Queued(long sequence, Redemption redemption, int attempts, long searchFromBlock) {
    }

    /** One signed transaction of a batch: the first, or a replacement at the same account nonce. */
    record SentTransaction(String txHash, String rawTransaction, SettlementChain.Fees fees, Instant signedAt) {
    }

    /** A batch of redemptions and the transactions, oldest first, that may carry it. */
    record Batch(long id, long accountNonce, List<SentTransaction> transactions, List<Queued> items) {
        public SentTransaction newest() {
            return transactions.get(transactions.size() - 1);
        }
    }

    /** What the chain said about one item. */
    sealed interface Outcome {
        /**
         * @param txHash the transaction that paid it: ours, or someone else's who relayed it first
         * @param block  the block that holds it: until the holder snapshot reaches it, the payment still counts
         *               against the payer's offline funds
         */
        record Settled(String txHash, long block) implements Outcome {
        }

        /**
         * It can never settle.
         *
         * @param payerAtFault the payer made it so (cancelled, spent the nonce elsewhere, or had no funds): this
         *                     terminal then declines the payer from now on
         */
        record Failed(String reason, boolean payerAtFault) implements Outcome {
        }

        /** Not settled and not dead: pending again, not before {@code notBefore}. */
        record Retry(String reason, boolean payerAtFault, Instant notBefore) implements Outcome {
        }
    }

    /** Pending redemptions due by {@code now}, the nearest to their {@code validBefore} first. */
    List<Queued> pending(int limit, Instant now);

    /**
     * Thrown by {@link #submit} when an item is no longer pending (a manager voided it while the batch was being
     * built): nothing was recorded, and the transaction must not be sent; the next round builds a batch anew.
     */
    final class ItemsChangedException extends RuntimeException {
        public ItemsChangedException(String message) {
            super(message);
        }
    }

    /** Persists the signed transaction and marks its items submitted; returns the batch with its id. */
    Batch submit(SignedTransaction transaction, List<Queued> items, Instant now);

    /** Persists a replacement of a batch's transaction (same account nonce, higher fees) before it is sent. */
    Batch replace(long batchId, SignedTransaction replacement, Instant now);

    /** Batches whose transaction was persisted but whose outcome is not yet recorded. */
    List<Batch> inFlight();

    /** Records what became of a pending redemption without a transaction of ours, or when to look again. */
    void resolvePending(long sequence, Outcome outcome, Instant now);

    /** Records the outcome of every item of a batch and closes it, in one commit. */
    void complete(long batchId, Map<Long, Outcome> outcomesBySequence, Instant now);
}
