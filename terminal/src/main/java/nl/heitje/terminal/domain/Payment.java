// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One payment request from the till and what became of it. Immutable: each transition returns the next state,
 * and only a {@code WAITING} payment has a next state.
 *
 * @param sale          what the till asked, and what each offered purse may pay of it
 * @param declineReason a decline's words beyond its code (which purse rule refused, say); null when there are none
 * @param purse         the purse that paid, or that was presented and declined; null while nobody presented one
 *                      (or, while waiting, when the sale offers more than one purse)
 * @param settlement    null until approved; then where its redemption stands on chain
 * @param pinTriesLeft  the signing card's PIN tries left after a {@code WRONG_PIN} decline; null otherwise
 */
public record Payment(String id, String reference, Sale sale, PaymentStatus status, DeclineCode declineCode,
                      String declineReason, Address payer, PaymentMethod method, boolean offline, Token purse,
                      Settlement settlement, Instant createdAt, Instant decidedAt, Integer pinTriesLeft) {

    /** The chain side of an approved payment. */
    public record Settlement(SettlementStatus status, String txHash, String reason) {
        public Settlement {
            Objects.requireNonNull(status, "status");
        }
    }

    public Payment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(sale, "sale");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((status == PaymentStatus.DECLINED) != (declineCode != null)) {
            throw new IllegalArgumentException("a decline code goes with DECLINED and only with it");
        }
        if (declineReason != null && declineCode == null && status != PaymentStatus.VOIDED) {
            throw new IllegalArgumentException("a decline reason goes with a decline code (or says why it was voided)");
        }
        if ((status == PaymentStatus.APPROVED) != (settlement != null)) {
            throw new IllegalArgumentException("a settlement goes with APPROVED and only with it");
        }
        if ((status == PaymentStatus.APPROVED || status == PaymentStatus.VOIDED) && (purse == null || sale.eligibleFor(purse).isEmpty())) {
            throw new IllegalArgumentException("an approval is paid by one of the sale's purses");
        }
        if (pinTriesLeft != null && declineCode != DeclineCode.WRONG_PIN) {
            throw new IllegalArgumentException("PIN tries left go with a WRONG_PIN decline only");
        }
    }

    public static Payment waiting(String id, String reference, Sale sale, Instant createdAt) {
        return new Payment(id, reference, sale, PaymentStatus.WAITING, null, null, null, null, false,
                sale.onlyPurse().orElse(null), null, createdAt, null, null);
    }

    /** A sale of one amount that this purse pays whole. */
    public static Payment waiting(String id, String reference, Money amount, Instant createdAt) {
        return waiting(id, reference, Sale.of(amount), createdAt);
    }

    /** What the till asked. */
    public Euros requested() {
        return sale.requested();
    }

    /** What was paid, once approved (the paying purse's eligible part); until then, what is asked. */
    public Euros amount() {
        return status == PaymentStatus.APPROVED || status == PaymentStatus.VOIDED ? sale.eligibleFor(purse).orElseThrow()
                : sale.requested();
    }

    /**
     * What the till still has to collect after this payment: the rest of a partial approval, all of it after a
     * decline, cancellation or expiry; empty while the payment waits.
     */
    public Optional<Euros> remaining() {
        return isWaiting() ? Optional.empty() : Optional.of(sale.requested().minus(
                status == PaymentStatus.APPROVED ? amount() : Euros.ZERO));
    }

    /** What a code or card of this purse must authorize, in its base units; empty when it is not offered. */
    public Optional<Money> due(Token paying) {
        return sale.eligibleFor(paying).filter(e -> !e.isZero()).map(e -> e.in(paying));
    }

    /** The amount approved, in the paying purse's units. */
    public Money charged() {
        if (status != PaymentStatus.APPROVED) {
            throw new IllegalStateException("payment " + id + " was not approved");
        }
        return amount().in(purse);
    }

    /** This decline, with the card's PIN tries left (kept only for a WRONG_PIN decline). */
    public Payment withPinTriesLeft(Integer triesLeft) {
        if (triesLeft == null || declineCode != DeclineCode.WRONG_PIN) {
            return this;
        }
        return new Payment(id, reference, sale, status, declineCode, declineReason, payer, method, offline, purse,
                settlement, createdAt, decidedAt, triesLeft);
    }

    public Payment approve(Token paidBy, Address payer, PaymentMethod method, boolean offline, Instant at) {
        requireWaiting();
        return new Payment(id, reference, sale, PaymentStatus.APPROVED, null, null, payer, method, offline, paidBy,
                new Settlement(SettlementStatus.PENDING, null, null), createdAt, at, null);
    }

    /** A decline; the payer, method and purse are kept when known, so staff can see who tried with what. */
    public Payment decline(DeclineCode code, String reason, Token presented, Address payer, PaymentMethod method,
                           boolean offline, Instant at) {
        requireWaiting();
        return new Payment(id, reference, sale, PaymentStatus.DECLINED, Objects.requireNonNull(code), reason, payer,
                method, offline, presented == null ? purse : presented, null, createdAt, at, null);
    }

    public Payment decline(DeclineCode code, Address payer, PaymentMethod method, boolean offline, Instant at) {
        return decline(code, null, null, payer, method, offline, at);
    }

    /**
     * Undone by a manager before its redemption went to the chain. The payer, purse and method stay, so everyone
     * can see what was undone; {@code declineReason} carries why. The redemption itself stays in the journal.
     */
    public Payment voided(String reason) {
        if (status != PaymentStatus.APPROVED) {
            throw new IllegalStateException("payment " + id + " is " + status + ", not APPROVED");
        }
        return new Payment(id, reference, sale, PaymentStatus.VOIDED, null, Objects.requireNonNull(reason), payer,
                method, offline, purse, null, createdAt, decidedAt, null);
    }

    public Payment cancel(Instant at) {
        requireWaiting();
        return new Payment(id, reference, sale, PaymentStatus.CANCELLED, null, null, null, null, false, purse, null,
                createdAt, at, null);
    }

    public Payment expire(Instant at) {
        requireWaiting();
        return new Payment(id, reference, sale, PaymentStatus.EXPIRED, null, null, null, null, false, purse, null,
                createdAt, at, null);
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
