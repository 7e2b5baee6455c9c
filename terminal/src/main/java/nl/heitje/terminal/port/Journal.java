// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;

/**
 * The terminal's durable memory of payments and redemptions. Every write is committed and synced to storage
 * before the call returns: a caller may show "approved" the moment {@link #approve} returns.
 */
public interface Journal {

    void create(Payment waiting);

    /** Records a final state other than approval (declined, cancelled, expired) of a waiting payment. */
    void close(Payment decided);

    /**
     * Atomically appends the redemption, queues it for settlement and marks the payment approved.
     *
     * @throws DuplicateAuthorizationException when {@code (payer, nonce)} is already recorded; nothing is written
     */
    void approve(Payment approved, Redemption redemption);

    Optional<Payment> find(String paymentId);

    /** The newest payment the till created with this reference. */
    Optional<Payment> findByReference(String reference);

    /** Payments created in {@code [from, to)}, newest first, at most {@code limit}. */
    List<Payment> list(Instant from, Instant to, int limit);

    boolean hasSeen(Address payer, Nonce nonce);

    /** Units of this token approved from this payer and not yet settled on chain. */
    long unsettledFrom(Token token, Address payer);

    /**
     * What a balance read as of {@code block} does not yet show of this terminal's redemptions from this payer:
     * those not settled, and those settled in a later block (or in a block not recorded).
     */
    long unsettledFromAsOf(Token token, Address payer, long block);

    /** Units of this token approved online, across payers, and not yet settled on chain. */
    long unsettledOnline(Token token);

    /** What offline approvals of this token stand open, for the offline limits. */
    OfflineLimits.Exposure offlineExposure(Token token, Address payer, Instant startOfDay);

    /** Expires every payment still waiting, e.g. left over from before a restart; returns how many. */
    int expireAllWaiting(Instant at);

    /**
     * True once a redemption of this payer failed through the payer's doing (cancelled, nonce spent on another
     * transfer, funds moved away): this terminal declines the payer from then on.
     */
    boolean isBlocked(Address payer);

    /** Every payer this terminal declines, with why and since when: the list the municipality is given. */
    List<BlockedPayer> blockedPayers();

    record BlockedPayer(Address payer, String reason, long redemptionSequence, Instant since) {
    }

    /**
     * Undoes an approval whose redemption has not gone to the chain: in one commit, only while its settlement is
     * still PENDING and was never in a batch (a batch's authorizations were broadcast, and stay valid), the settlement and the payment become VOIDED (the redemption row stays) and the void is
     * recorded with its reason. It then counts in no open total. False, with nothing written, when the payment is
     * not approved or its redemption was already submitted, settled or failed.
     */
    boolean voidApproved(String paymentId, String reason, Instant at);

    /**
     * A manager acknowledges the loss of a failed redemption; from then on an offline one no longer counts against
     * the offline exposure. False when the payment has no failed, unacknowledged redemption.
     */
    boolean acknowledgeLoss(String paymentId, Instant at);

    /** Failed redemptions no manager has acknowledged yet: a warning until someone does. */
    int unacknowledgedLosses();

    /** The payments behind those failed redemptions, oldest first, at most {@code limit}: what is to acknowledge. */
    List<Payment> lossesToAcknowledge(int limit);

    /**
     * Redemptions not yet settled whose authorization expires before {@code horizon}: at risk of never settling.
     * Settlement takes them first; health flags them.
     */
    int unsettledExpiringBefore(Instant horizon);

    /** Redemptions not yet settled (pending or submitted). */
    int unsettledCount();

    /** Thrown when an authorization was already recorded: the database's unique key said so. */
    final class DuplicateAuthorizationException extends RuntimeException {
        public DuplicateAuthorizationException(Address payer, Nonce nonce) {
            super("authorization of " + payer + " with nonce " + nonce + " is already recorded");
        }
    }
}
