package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.port.Journal;
import nl.heitje.terminal.port.ScanResult;

/**
 * The counter: at most one payment waits at a time, and whatever the citizen presents is decided against it.
 * The desk's lock guards only its own state and is never held while the chain is asked: a slow node or DNS must
 * not freeze the till. While a presentation is being decided, the payment is neither cancelled nor expired
 * underneath it, and a second presentation is turned away.
 */
public final class PaymentDesk {

    /** Thrown when the till asks for a payment while another one waits. */
    public static final class BusyException extends RuntimeException {
        private final transient Payment waiting;

        BusyException(Payment waiting) {
            super("payment " + waiting.id() + " is still waiting");
            this.waiting = waiting;
        }

        public Payment waiting() {
            return waiting;
        }
    }

    /** Thrown when a reference already stands for a payment of another amount. */
    public static final class ReferenceConflictException extends RuntimeException {
        ReferenceConflictException(Payment existing) {
            super("reference " + existing.reference() + " already stands for payment " + existing.id() + " of "
                    + existing.amount());
        }
    }

    /** Thrown when a payment cannot make the asked transition (e.g. cancel after approval). */
    public static final class NotWaitingException extends RuntimeException {
        NotWaitingException(Payment payment) {
            super("payment " + payment.id() + " is " + payment.status() + ", not WAITING");
        }

        NotWaitingException(Payment payment, String why) {
            super("payment " + payment.id() + " " + why);
        }
    }

    /** What a payment request led to: a new payment, or the one this reference already stands for. */
    public record Requested(Payment payment, boolean created) {
    }

    private final Journal journal;
    private final Consumer<Payment> onDecided;
    private final PaymentAuthorizer authorizer;
    private final Clock clock;
    private final Duration paymentTimeout;
    private Payment waiting;
    /** True while {@link #waiting} is being decided outside the lock. */
    private boolean deciding;

    public PaymentDesk(Journal journal, PaymentAuthorizer authorizer, Clock clock, Duration paymentTimeout) {
        this(journal, authorizer, clock, paymentTimeout, decided -> { });
    }

    /** @param onDecided told of every decided payment, after it is recorded (e.g. to settle an approval promptly) */
    public PaymentDesk(Journal journal, PaymentAuthorizer authorizer, Clock clock, Duration paymentTimeout,
                       Consumer<Payment> onDecided) {
        this.onDecided = onDecided;
        this.journal = journal;
        this.authorizer = authorizer;
        this.clock = clock;
        this.paymentTimeout = paymentTimeout;
        // A payment that was waiting when the terminal stopped cannot still have a customer in front of it.
        journal.expireAllWaiting(now());
    }

    /**
     * Opens a payment. A reference that already stands for an approved or waiting payment of the same amount
     * returns that payment: a till that lost our answer and retries is never charged twice.
     */
    public synchronized Requested request(Money amount, String reference) {
        expireIfOverdue();
        Optional<Payment> existing = journal.findByReference(reference)
                .filter(p -> p.status() == PaymentStatus.APPROVED || p.status() == PaymentStatus.WAITING);
        if (existing.isPresent()) {
            if (!existing.get().amount().equals(amount)) {
                throw new ReferenceConflictException(existing.get());
            }
            return new Requested(existing.get(), false);
        }
        if (waiting != null) {
            throw new BusyException(waiting);
        }
        Payment created = Payment.waiting(UUID.randomUUID().toString(), reference, amount, now());
        journal.create(created);
        waiting = created;
        return new Requested(created, true);
    }

    /**
     * A scanned QR text, decided against the waiting payment. A code shown while another is still being decided
     * changes nothing and gets the payment back as it stands.
     */
    public ScanResult presentQr(String text) {
        Payment payment;
        synchronized (this) {
            expireIfOverdue();
            if (waiting == null) {
                return ScanResult.noPaymentWaiting();
            }
            if (deciding) {
                return ScanResult.of(waiting);
            }
            deciding = true;
            payment = waiting;
        }
        try {
            Payment decided = authorizer.decide(payment, PaymentQrCodec.decode(text), PaymentMethod.QR);
            synchronized (this) {
                waiting = null;
            }
            onDecided.accept(decided);
            return ScanResult.of(decided);
        } finally {
            synchronized (this) {
                deciding = false;
            }
        }
    }

    public synchronized Payment cancel(String paymentId) {
        expireIfOverdue();
        Payment payment = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        if (waiting == null || !waiting.id().equals(paymentId)) {
            throw new NotWaitingException(payment);
        }
        if (deciding) {
            throw new NotWaitingException(payment, "is being decided: the citizen's code is being checked");
        }
        Payment cancelled = waiting.cancel(now());
        journal.close(cancelled);
        waiting = null;
        return cancelled;
    }

    /**
     * A manager accepts that a failed payment's money will not come; an offline one stops counting against the
     * offline exposure.
     *
     * @throws NotFoundException   no such payment
     * @throws NotWaitingException the payment has no failed settlement, or its loss was already acknowledged
     */
    public Payment acknowledgeLoss(String paymentId) {
        Payment payment = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        if (!journal.acknowledgeLoss(paymentId, now())) {
            throw new NotWaitingException(payment, "has no failed settlement whose loss is still unacknowledged");
        }
        return payment;
    }

    public synchronized Optional<Payment> waiting() {
        expireIfOverdue();
        return Optional.ofNullable(waiting);
    }

    public Optional<Payment> find(String paymentId) {
        synchronized (this) {
            expireIfOverdue();
        }
        return journal.find(paymentId);
    }

    public List<Payment> list(Instant from, Instant to, int limit) {
        return journal.list(from, to, limit);
    }

    /** Expires the waiting payment once its time is up; called on every entry and by a timer. */
    public synchronized void expireIfOverdue() {
        if (waiting != null && !deciding && !now().isBefore(waiting.createdAt().plus(paymentTimeout))) {
            Payment expired = waiting.expire(now());
            journal.close(expired);
            waiting = null;
        }
    }

    /** The journal keeps milliseconds; so do we, so a payment reads back exactly as it was answered. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Thrown when no payment has that id. */
    public static final class NotFoundException extends RuntimeException {
        NotFoundException(String paymentId) {
            super("no payment " + paymentId);
        }
    }
}
