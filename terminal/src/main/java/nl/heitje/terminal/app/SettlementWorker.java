// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.Consumption;
import nl.heitje.terminal.port.SettlementChain.Fate;
import nl.heitje.terminal.port.SettlementChain.Fees;
import nl.heitje.terminal.port.SettlementChain.Receipt;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementChain.Verdict;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.port.SettlementQueue.Batch;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.port.SettlementQueue.Queued;

/**
 * Moves approved redemptions onto the chain, one batch at a time. The order of its steps is what makes it
 * crash-safe: a batch's signed transaction is committed to the journal before it is broadcast, and a batch still
 * in flight (after a crash, or while waiting for its receipt) is always finished before a new one is built.
 *
 * <p>SETTLED means the money arrived: an item is settled only by a transaction that moved exactly its value from
 * its payer to its payee, and only once that transaction has the configured number of confirmations. An item is
 * written off only when the chain shows it can never settle (expired, cancelled, its nonce spent elsewhere); a node
 * that errs, times out or refuses a query only postpones it.
 */
public final class SettlementWorker {
    private static final Logger LOG = Logger.getLogger(SettlementWorker.class.getName());
    /** The longest a postponed item waits before it is looked at again. */
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    /**
     * How settlement trades gas, speed and safety.
     *
     * @param batchSize      most redemptions per transaction (the chain may allow fewer)
     * @param confirmations  blocks on top of (and including) the one with the transfer before it counts as settled;
     *                       0 settles on the receipt (a dev chain)
     * @param replaceAfter   an unmined transaction older than this is replaced at the same nonce with higher fees
     * @param maxFeePerGas   the most this terminal pays per gas, whatever the node suggests
     * @param retryBackoff   the first wait before an item is looked at again; doubles with each attempt
     */
    public record Policy(int batchSize, int confirmations, Duration replaceAfter, BigInteger maxFeePerGas,
                         Duration retryBackoff) {
    }

    private final SettlementQueue queue;
    private final SettlementChain chain;
    private final Connectivity connectivity;
    private final Policy policy;
    private final Clock clock;
    private final BooleanSupplier nodeTrusted;
    private volatile boolean stuckAtFeeCap;

    public SettlementWorker(SettlementQueue queue, SettlementChain chain, Connectivity connectivity, Policy policy,
                            Clock clock) {
        this(queue, chain, connectivity, policy, clock, () -> true);
    }

    /**
     * @param nodeTrusted whether the node's identity checked out (chain id, the token's domain): a node of another
     *                    chain, or one lying about it, is neither sent transactions nor believed about outcomes
     */
    public SettlementWorker(SettlementQueue queue, SettlementChain chain, Connectivity connectivity, Policy policy,
                            Clock clock, BooleanSupplier nodeTrusted) {
        this.nodeTrusted = nodeTrusted;
        this.queue = queue;
        this.chain = chain;
        this.connectivity = connectivity;
        this.policy = policy;
        this.clock = clock;
    }

    /** What one round did, so the caller can decide how soon to run the next. */
    public enum Round { OFFLINE, UNTRUSTED_NODE, IDLE, AWAITING_RECEIPT, SUBMITTED, COMPLETED, REJECTED }

    /** One round: finish what is in flight, else submit the next batch. Never throws for chain faults. */
    public synchronized Round runOnce() {
        if (!connectivity.isOnline()) {
            return Round.OFFLINE;
        }
        if (!nodeTrusted.getAsBoolean()) {
            return Round.UNTRUSTED_NODE;
        }
        try {
            List<Batch> inFlight = queue.inFlight();
            return inFlight.isEmpty() ? submitNextBatch() : finish(inFlight);
        } catch (ChainUnavailableException unreachable) {
            connectivity.markOffline();
            return Round.OFFLINE;
        } catch (ChainRejectedException refused) {
            // A rate limit, a node without the block, no gas money: nothing is lost, the round is tried again later.
            LOG.warning("settlement round refused by the node: " + refused.getMessage());
            return Round.REJECTED;
        }
    }

    /** True while a transaction is unmined and the fee cap forbids bidding higher: a warning for the merchant. */
    public boolean isStuckAtFeeCap() {
        return stuckAtFeeCap;
    }

    private Round finish(List<Batch> inFlight) {
        boolean allDone = true;
        for (Batch batch : inFlight) {
            allDone &= resolve(batch);
        }
        return allDone ? Round.COMPLETED : Round.AWAITING_RECEIPT;
    }

    private Round submitNextBatch() {
        List<Queued> due = queue.pending(policy.batchSize(), now());
        if (due.isEmpty()) {
            return Round.IDLE;
        }
        int size = Math.max(1, Math.min(policy.batchSize(), chain.maxBatchSize()));
        due = due.subList(0, Math.min(size, due.size()));
        List<Queued> items = new ArrayList<>();
        for (Queued item : due) {
            // An item that was in a batch before may have been used on chain since, by anyone, or may still be
            // refused: look first, one item at a time, so that one item the node cannot answer for holds up nobody.
            Optional<Outcome> decided = item.attempts() == 0 ? Optional.empty() : isolated(item, () -> lookBeforeResending(item));
            if (decided.isPresent()) {
                queue.resolvePending(item.sequence(), decided.get(), now());
            } else {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            return Round.COMPLETED;
        }
        SignedTransaction signed = chain.sign(authorizations(items), chain.nextAccountNonce(),
                capped(chain.suggestedFees()));
        Batch batch;
        try {
            batch = queue.submit(signed, items, now());
        } catch (SettlementQueue.ItemsChangedException changed) {
            // Signed but neither recorded nor sent, so its account nonce is still free: build the batch again.
            LOG.info("settlement batch dropped before sending: " + changed.getMessage());
            return Round.COMPLETED;
        }
        chain.broadcast(signed.raw());
        return resolve(batch) ? Round.COMPLETED : Round.SUBMITTED;
    }

    /** True when the batch's outcome is now recorded. */
    private boolean resolve(Batch batch) {
        // The nonce before the receipts: a node may count a mined transaction a moment before it serves its receipt,
        // and reading in this order never takes our own mined transaction for a stranger's.
        long minedAccountNonce = chain.minedAccountNonce();
        Optional<Receipt> mined = receiptOfAny(batch);
        if (mined.isPresent()) {
            if (!isConfirmed(mined.get().blockNumber())) {
                // Mined, but a reorg may still drop it; if one does, the receipt disappears and it is sent again.
                return false;
            }
            Map<Long, Outcome> outcomes = new HashMap<>();
            for (Queued item : batch.items()) {
                outcomes.put(item.sequence(), isolated(item, () -> Optional.of(outcomeIn(mined.get(), item)))
                        .orElseThrow());
            }
            queue.complete(batch.id(), outcomes, now());
            return true;
        }
        if (minedAccountNonce > batch.accountNonce()) {
            // Our account nonce went to a transaction we cannot find: none of ours can be mined any more. The
            // chain's own record of each authorization tells what happened to it.
            Map<Long, Outcome> outcomes = new HashMap<>();
            for (Queued item : batch.items()) {
                outcomes.put(item.sequence(), isolated(item, () -> Optional.of(outcomeOnChain(item,
                        "transaction replaced before it was mined"))).orElseThrow());
            }
            queue.complete(batch.id(), outcomes, now());
            return true;
        }
        SettlementQueue.SentTransaction newest = batch.newest();
        if (!now().isBefore(newest.signedAt().plus(policy.replaceAfter()))) {
            Optional<Fees> higher = bumped(newest.fees());
            if (higher.isPresent()) {
                stuckAtFeeCap = false;
                SignedTransaction replacement = chain.sign(authorizations(batch.items()), batch.accountNonce(),
                        higher.get());
                queue.replace(batch.id(), replacement, now());
                chain.broadcast(replacement.raw());
                return false;
            }
            stuckAtFeeCap = true;
            LOG.warning("settlement transaction " + newest.txHash() + " is unmined and already at the fee cap of "
                    + policy.maxFeePerGas() + " wei per gas");
        }
        // Not mined and still possible: it may never have left this machine before a crash. Same bytes, same hash.
        chain.broadcast(newest.rawTransaction());
        return false;
    }

    /** The receipt of whichever of the batch's transactions was mined (at most one can be: they share a nonce). */
    private Optional<Receipt> receiptOfAny(Batch batch) {
        for (int i = batch.transactions().size() - 1; i >= 0; i--) {
            Optional<Receipt> receipt = chain.receipt(batch.transactions().get(i).txHash());
            if (receipt.isPresent()) {
                return receipt;
            }
        }
        return Optional.empty();
    }

    /** What our mined transaction did for one of its items. */
    private Outcome outcomeIn(Receipt receipt, Queued item) {
        TransferAuthorization authorization = item.redemption().authorization();
        Optional<Consumption> consumed = receipt.consumptionOf(authorization);
        if (consumed.isPresent()) {
            return judge(consumed.get(), authorization, receipt.txHash(), receipt.blockNumber());
        }
        return outcomeOnChain(item, (receipt.succeeded() ? "not executed by " : "reverted: ") + receipt.txHash());
    }

    /**
     * The outcome of an item our transaction did not execute: what the chain shows became of it, else what the
     * contract says to it now.
     */
    private Outcome outcomeOnChain(Queued item, String whyNotExecuted) {
        return outcomeWithoutUs(item).or(() -> contractsAnswer(item))
                .orElseGet(() -> retry(item, whyNotExecuted, false));
    }

    /** Before an item goes into another batch: has the chain decided it meanwhile, or would it be refused again? */
    private Optional<Outcome> lookBeforeResending(Queued item) {
        return outcomeWithoutUs(item).or(() -> contractsAnswer(item));
    }

    /** What a dry run says: nothing while it would settle, else when (or whether) to try again. */
    private Optional<Outcome> contractsAnswer(Queued item) {
        Verdict verdict = chain.verdict(item.redemption().authorization());
        return switch (verdict.kind()) {
            case SETTLEABLE -> Optional.empty();
            // Spent, though the fate said unused a moment ago: it was spent between the two reads; the next look decides.
            case SPENT -> Optional.of(retrySoon(verdict.reason()));
            case NEVER -> Optional.of(new Outcome.Failed(verdict.reason(), false));
            case SHORT_OF_FUNDS -> Optional.of(retry(item, verdict.reason(), true));
            case NOT_NOW -> Optional.of(retry(item, verdict.reason(), false));
        };
    }

    /** The outcome of an authorization the chain shows consumed other than by our batch; empty while unused. */
    private Optional<Outcome> outcomeWithoutUs(Queued item) {
        TransferAuthorization authorization = item.redemption().authorization();
        Fate fate = chain.fate(authorization, item.searchFromBlock());
        if (fate.state() == Fate.State.UNUSED) {
            return Optional.empty();
        }
        if (fate.blockNumber() >= 0 && !isConfirmed(fate.blockNumber())) {
            return Optional.of(retrySoon("used on chain in " + fate.txHash() + "; awaiting confirmations"));
        }
        if (fate.state() == Fate.State.USED_UNTRACEABLE && !isPastValidity(authorization)) {
            // A node serves eth_getLogs a moment behind the state it reports (geth and anvil alike): the nonce shows
            // spent, maybe by our own batch, before the log that says by whom. Not a verdict while the authorization
            // could still have been used; once it no longer could, the search has had all the time it needs.
            return Optional.of(retry(item, "nonce spent on chain; looking for the transfer from block "
                    + item.searchFromBlock(), false));
        }
        return Optional.of(switch (fate.state()) {
            case USED -> fate.consumption()
                    .map(consumed -> judge(consumed, authorization, fate.txHash(), fate.blockNumber()))
                    .orElseGet(() -> new Outcome.Failed("nonce spent on chain in " + fate.txHash()
                            + " without a transfer to this merchant", true));
            case CANCELLED -> new Outcome.Failed("cancelled by the payer in " + fate.txHash(), true);
            case USED_UNTRACEABLE -> new Outcome.Failed("nonce spent on chain; no transfer to this merchant found from"
                    + " block " + item.searchFromBlock(), true);
            case UNUSED -> throw new IllegalStateException("handled above");
        });
    }

    /** Settled only when the transfer beside the nonce's use paid exactly this authorization. */
    private static Outcome judge(Consumption consumed, TransferAuthorization authorization, String txHash,
                                 long block) {
        return consumed.pays(authorization)
                ? new Outcome.Settled(txHash, block)
                : new Outcome.Failed("nonce used by the payer for another transfer in " + txHash, true);
    }

    /** Runs one item's lookups; a node that refuses them postpones this item alone. */
    private Optional<Outcome> isolated(Queued item, java.util.function.Supplier<Optional<Outcome>> lookup) {
        try {
            return lookup.get();
        } catch (ChainRejectedException refused) {
            LOG.warning("settlement lookup of redemption " + item.sequence() + " refused: " + refused.getMessage());
            return Optional.of(retry(item, "node refused a lookup: " + refused.getMessage(), false));
        }
    }

    private boolean isPastValidity(TransferAuthorization authorization) {
        return Long.compareUnsigned(authorization.validBefore(), now().getEpochSecond()) <= 0;
    }

    private boolean isConfirmed(long blockNumber) {
        return policy.confirmations() == 0 || chain.headBlock() - blockNumber + 1 >= policy.confirmations();
    }

    private Outcome.Retry retry(Queued item, String reason, boolean payerAtFault) {
        long factor = 1L << Math.min(item.attempts(), 16);
        Duration wait = policy.retryBackoff().multipliedBy(factor);
        return new Outcome.Retry(reason, payerAtFault, now().plus(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait));
    }

    private Outcome.Retry retrySoon(String reason) {
        return new Outcome.Retry(reason, false, now().plus(policy.retryBackoff()));
    }

    private Fees capped(Fees fees) {
        BigInteger cap = policy.maxFeePerGas();
        return new Fees(fees.maxFeePerGas().min(cap), fees.maxPriorityFeePerGas().min(cap));
    }

    /**
     * Fees for a replacement: at least a quarter above the previous bid (nodes refuse a replacement below +10%)
     * and at least what the node suggests now; empty when the cap leaves no room to bid higher.
     */
    private Optional<Fees> bumped(Fees previous) {
        Fees suggested = chain.suggestedFees();
        Fees next = capped(new Fees(
                suggested.maxFeePerGas().max(quarterAbove(previous.maxFeePerGas())),
                suggested.maxPriorityFeePerGas().max(quarterAbove(previous.maxPriorityFeePerGas()))));
        boolean higher = next.maxFeePerGas().compareTo(previous.maxFeePerGas()) > 0
                && next.maxPriorityFeePerGas().compareTo(previous.maxPriorityFeePerGas()) > 0;
        return higher ? Optional.of(next) : Optional.empty();
    }

    private static BigInteger quarterAbove(BigInteger value) {
        return value.add(value.shiftRight(2)).add(BigInteger.ONE);
    }

    private static List<TransferAuthorization> authorizations(List<Queued> items) {
        return items.stream().map(q -> q.redemption().authorization()).toList();
    }

    private Instant now() {
        return clock.instant();
    }
}
