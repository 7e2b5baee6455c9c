package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.port.Journal;
import nl.heitje.terminal.port.ScanResult;

/**
 * The counter: at most one payment waits at a time, and whatever the citizen presents is decided against it.
 * Every entry point is serialized, because there is one customer at the counter and one journal to write.
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
    }

    /** What a payment request led to: a new payment, or the one this reference already stands for. */
    public record Requested(Payment payment, boolean created) {
    }

    private final Journal journal;
    private final PaymentAuthorizer authorizer;
    private final Clock clock;
    private final Duration paymentTimeout;
    private Payment waiting;

    public PaymentDesk(Journal journal, PaymentAuthorizer authorizer, Clock clock, Duration paymentTimeout) {
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

    /** A scanned QR text, decided against the waiting payment. */
    public synchronized ScanResult presentQr(String text) {
        expireIfOverdue();
        if (waiting == null) {
            return ScanResult.noPaymentWaiting();
        }
        Payment decided = authorizer.decide(waiting, PaymentQrCodec.decode(text), PaymentMethod.QR);
        waiting = null;
        return ScanResult.of(decided);
    }

    public synchronized Payment cancel(String paymentId) {
        expireIfOverdue();
        Payment payment = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        if (waiting == null || !waiting.id().equals(paymentId)) {
            throw new NotWaitingException(payment);
        }
        Payment cancelled = waiting.cancel(now());
        journal.close(cancelled);
        waiting = null;
        return cancelled;
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
        if (waiting != null && !now().isBefore(waiting.createdAt().plus(paymentTimeout))) {
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
