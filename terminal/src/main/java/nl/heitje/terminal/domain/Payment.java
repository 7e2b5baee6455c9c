// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One payment request from the till and what became of it. Immutable: each transition returns the next state,
 * and only a {@code WAITING} payment has a next state.
 *
 * @param settlement   null until approved; then where its redemption stands on chain
 * @param pinTriesLeft the signing card's PIN tries left after a {@code WRONG_PIN} decline; null otherwise
 */
public record Payment(String id, String reference, Money amount, PaymentStatus status, DeclineCode declineCode,
                      Address payer, PaymentMethod method, boolean offline, Settlement settlement,
                      Instant createdAt, Instant decidedAt, Integer pinTriesLeft) {

    /** The chain side of an approved payment. */
    public record Settlement(SettlementStatus status, String txHash, String reason) {
        public Settlement {
            Objects.requireNonNull(status, "status");
        }
    }

    public Payment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((status == PaymentStatus.DECLINED) != (declineCode != null)) {
            throw new IllegalArgumentException("a decline code goes with DECLINED and only with it");
        }
        if ((status == PaymentStatus.APPROVED) != (settlement != null)) {
            throw new IllegalArgumentException("a settlement goes with APPROVED and only with it");
        }
        if (pinTriesLeft != null && declineCode != DeclineCode.WRONG_PIN) {
            throw new IllegalArgumentException("PIN tries left go with a WRONG_PIN decline only");
        }
    }

    public Payment(String id, String reference, Money amount, PaymentStatus status, DeclineCode declineCode,
                   Address payer, PaymentMethod method, boolean offline, Settlement settlement, Instant createdAt,
                   Instant decidedAt) {
        this(id, reference, amount, status, declineCode, payer, method, offline, settlement, createdAt, decidedAt,
                null);
    }

    /** This decline, with the card's PIN tries left (kept only for a WRONG_PIN decline). */
    public Payment withPinTriesLeft(Integer triesLeft) {
        if (triesLeft == null || declineCode != DeclineCode.WRONG_PIN) {
            return this;
        }
        return new Payment(id, reference, amount, status, declineCode, payer, method, offline, settlement, createdAt,
                decidedAt, triesLeft);
    }

    public static Payment waiting(String id, String reference, Money amount, Instant createdAt) {
        return new Payment(id, reference, amount, PaymentStatus.WAITING, null, null, null, false, null, createdAt, null);
    }

    public Payment approve(Address payer, PaymentMethod method, boolean offline, Instant at) {
        requireWaiting();
        return new Payment(id, reference, amount, PaymentStatus.APPROVED, null, payer, method, offline,
                new Settlement(SettlementStatus.PENDING, null, null), createdAt, at);
    }

    /** A decline; the payer and method are kept when known, so staff can see who tried. */
    public Payment decline(DeclineCode code, Address payer, PaymentMethod method, boolean offline, Instant at) {
        requireWaiting();
        return new Payment(id, reference, amount, PaymentStatus.DECLINED, Objects.requireNonNull(code), payer, method,
                offline, null, createdAt, at);
    }

    public Payment cancel(Instant at) {
        requireWaiting();
        return new Payment(id, reference, amount, PaymentStatus.CANCELLED, null, null, null, false, null, createdAt, at);
    }

    public Payment expire(Instant at) {
        requireWaiting();
        return new Payment(id, reference, amount, PaymentStatus.EXPIRED, null, null, null, false, null, createdAt, at);
    }

    public boolean isWaiting() {
        return status == PaymentStatus.WAITING;
    }

    private void requireWaiting() {
        if (!isWaiting()) {
            throw new IllegalStateException("payment " + id + " is already " + status);
        }
    }
}
