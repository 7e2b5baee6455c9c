// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Sale;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.Journal;
import nl.heitje.terminal.port.PaymentEvents;
import nl.heitje.terminal.port.SigningCard;
import nl.heitje.terminal.port.ScanResult;

/**
 * The counter, as a payment-session state machine: at most one payment waits at a time, and whatever a citizen
 * presents (a QR text from any scanner or camera, a signing card on the reader) is decided against it, through
 * the same checks. Staff and till act on it too: PIN entered, cancel.
 *
 * <p>Every state change happens under the desk's lock and is published, in order, as a {@link PaymentEvent}. The
 * lock guards only the desk's own state and is never held while a card, a PIN or the chain is awaited: a slow node
 * or a citizen looking for their PIN must not freeze the till. While a presentation is under way the payment is
 * neither expired nor cancelled underneath it (except while the card waits for its PIN, when cancel ends it), and
 * a second presentation is turned away.
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

    /** Thrown when the till names a purse this terminal does not take. */
    public static final class UnknownPurseException extends RuntimeException {
        UnknownPurseException(String symbol, List<Token> known) {
            super("this terminal takes no purse \"" + symbol + "\"; it takes " + known.stream().map(Token::symbol)
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /** Thrown when no purse the till offered may pay anything of the sale at this merchant. */
    public static final class NothingPayableException extends RuntimeException {
        NothingPayableException(List<String> reasons) {
            super("no purse may pay any of this sale here: " + String.join("; ", reasons));
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

        NotWaitingException(String why) {
            super(why);
        }
    }

    /** What a payment request led to: a new payment, or the one this reference already stands for. */
    public record Requested(Payment payment, boolean created) {
    }

    /**
     * @param payment how long a payment waits for a citizen before it expires
     * @param pin     how long a card waits for its PIN before the payment goes back to waiting
     */
    public record Timeouts(Duration payment, Duration pin) {
    }

    /** The longest reason a void keeps. */
    public static final int MAX_VOID_REASON = 200;

    /** Thrown when a payment cannot be voided: it is not approved, or its redemption already went to the chain. */
    public static final class NotVoidableException extends RuntimeException {
        NotVoidableException(Payment payment) {
            super("payment " + payment.id() + " is " + payment.status() + (payment.settlement() == null ? ""
                    : " with settlement " + payment.settlement().status())
                    + "; only an approval not yet submitted for settlement can be voided");
        }
    }

    /** Far longer than the few statements between a decision's commit and its session's close. */
    private static final Duration SESSION_CLOSING = Duration.ofSeconds(2);

    private final Journal journal;
    private final Consumer<Payment> onDecided;
    private final PaymentAuthorizer authorizer;
    private final PaymentEvents events;
    private final CardExchange cards;
    private final Clock clock;
    private final Timeouts timeouts;
    private final List<Consumer<Payment>> voidListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The open session's payment, or null; with its state. Both guarded by this. */
    private Payment waiting;
    private SessionState state;
    /** While AWAITING_PIN: where the PIN (or empty, when it will not come) is handed to the card's thread. */
    private CompletableFuture<Optional<String>> pinEntry;

    public PaymentDesk(Journal journal, PaymentAuthorizer authorizer, Clock clock, Duration paymentTimeout) {
        this(journal, authorizer, new PaymentEventBus(), clock, new Timeouts(paymentTimeout, Duration.ofSeconds(30)),
                decided -> { });
    }

    /**
     * @param events    told of every state change
     * @param onDecided told of every decided payment, after it is recorded (e.g. to settle an approval promptly)
     */
    public PaymentDesk(Journal journal, PaymentAuthorizer authorizer, PaymentEvents events, Clock clock,
                       Timeouts timeouts, Consumer<Payment> onDecided) {
        this.onDecided = onDecided;
        this.journal = journal;
        this.authorizer = authorizer;
        this.events = events;
        this.clock = clock;
        this.timeouts = timeouts;
        this.cards = new CardExchange(authorizer.rules().merchant(), authorizer.rules().offlineSettlementWindow(),
                authorizer, clock);
        // A payment that was waiting when the terminal stopped cannot still have a customer in front of it.
        journal.expireAllWaiting(now());
    }

    /** A sale of one amount in one purse, offered to every purse (tests and tools). */
    public Requested request(Money amount, String reference) {
        return request(Euros.of(amount), Basket.NONE, List.of(), reference);
    }

    /**
     * Opens a payment. A reference that already stands for an approved or waiting payment of the same amount
     * returns that payment: a till that lost our answer and retries is never charged twice. A reference whose
     * approved payment left exactly this amount remaining opens the rest of that sale (another purse, after a
     * partial payment).
     *
     * @param purses the purse symbols the till accepts, in its order of preference; empty for every purse the
     *               merchant takes, in the merchant's order
     * @throws UnknownPurseException     when the till names a purse this terminal does not take
     * @throws NothingPayableException   when no offered purse may pay anything of the sale here
     */
    public synchronized Requested request(Euros requested, Basket basket, List<String> purses, String reference) {
        expireIfOverdue();
        Sale sale = sale(requested, basket, purses);
        Optional<Payment> existing = journal.findByReference(reference)
                .filter(p -> p.status() == PaymentStatus.APPROVED || p.status() == PaymentStatus.WAITING);
        if (existing.isPresent()) {
            if (existing.get().requested().equals(requested)) {
                return new Requested(existing.get(), false);
            }
            if (!existing.get().remaining().equals(Optional.of(requested))) {
                throw new ReferenceConflictException(existing.get());
            }
        }
        awaitSessionClosingOnItsDecision();
        if (waiting != null) {
            throw new BusyException(waiting);
        }
        Payment created = Payment.waiting(UUID.randomUUID().toString(), reference, sale, now());
        journal.create(created);
        waiting = created;
        moveTo(SessionState.WAITING, created);
        return new Requested(created, true);
    }

    /** The sale with what each offered purse may pay of it under its spending rules. */
    private Sale sale(Euros requested, Basket basket, List<String> symbols) {
        PaymentAuthorizer.Rules rules = authorizer.rules();
        List<Token> offered = new ArrayList<>();
        for (String symbol : symbols) {
            Token purse = rules.tokens().stream().filter(t -> t.symbol().equals(symbol)).findFirst()
                    .orElseThrow(() -> new UnknownPurseException(symbol, rules.tokens()));
            if (!offered.contains(purse)) {
                offered.add(purse);
            }
        }
        if (offered.isEmpty()) {
            offered.addAll(rules.tokens());
        }
        Sale sale = rules.eligibility().sale(requested, basket, offered);
        if (sale.payingPurses().isEmpty()) {
            throw new NothingPayableException(offered.stream().map(purse -> rules.eligibility()
                    .assess(purse, requested, basket).refusal().orElse(purse.symbol() + " may pay nothing of it"))
                    .toList());
        }
        return sale;
    }

    /**
     * A scanned QR text (from any scanner, or decoded from a camera frame), decided against the waiting payment.
     * A code shown while another presentation is under way changes nothing and gets the payment back as it stands.
     */
    public ScanResult presentQr(String text) {
        Payment payment;
        synchronized (this) {
            Optional<ScanResult> turnedAway = turnAwayUnlessWaiting();
            if (turnedAway.isPresent()) {
                return turnedAway.get();
            }
            payment = waiting;
            moveTo(SessionState.CHECKING, payment);
        }
        return decide(payment, PaymentQrCodec.decode(text), PaymentMethod.QR);
    }

    /**
     * A signing card on the reader: the card signs what the waiting payment asks (with its PIN when it wants it),
     * and the signed authorization is decided like a QR code. Runs on the reader's thread until the exchange ends.
     */
    public ScanResult presentCard(SigningCard card) {
        Payment payment;
        synchronized (this) {
            Optional<ScanResult> turnedAway = turnAwayUnlessWaiting();
            if (turnedAway.isPresent()) {
                return turnedAway.get();
            }
            payment = waiting;
            moveTo(SessionState.READING_CARD, payment);
        }
        CardExchange.Result result;
        try {
            result = cards.run(card, payment, this::awaitPin);
        } catch (RuntimeException unexpected) {
            result = new CardExchange.Refused(DeclineCode.CARD_ERROR, null, null, unexpected.toString());
        }
        if (result instanceof CardExchange.Signed signed) {
            synchronized (this) {
                moveTo(SessionState.CHECKING, payment);
            }
            return decide(payment, Optional.of(signed.authorization()), PaymentMethod.CARD);
        }
        if (result instanceof CardExchange.Refused refused) {
            return finish(authorizer.declinePresentation(payment, refused.code(),
                    refused.code() == DeclineCode.TOKEN_NOT_ACCEPTED ? refused.detail() : null, refused.cardholder(),
                    PaymentMethod.CARD, refused.pinTriesLeft()));
        }
        // Abandoned: cancelled while the card waited for its PIN (already recorded), or nobody keyed it in time.
        synchronized (this) {
            if (waiting != null && waiting.id().equals(payment.id()) && state == SessionState.AWAITING_PIN) {
                moveTo(SessionState.WAITING, waiting);
            }
            return ScanResult.of(journal.find(payment.id()).orElse(payment));
        }
    }

    /**
     * The citizen's PIN, keyed on the terminal (staff screen or PIN pad) for the card that asked for it.
     *
     * @throws NotWaitingException      no card waits for a PIN
     * @throws IllegalArgumentException not 4 to 6 digits: refused before the card hears of it, so a slip of the
     *                                  finger costs the citizen no PIN try and the card keeps waiting
     */
    public void enterPin(String pin) {
        if (pin == null || !pin.matches("[0-9]{4,6}")) {
            throw new IllegalArgumentException("a PIN is 4 to 6 digits");
        }
        CompletableFuture<Optional<String>> entry;
        synchronized (this) {
            if (waiting == null || state != SessionState.AWAITING_PIN) {
                throw new NotWaitingException(waiting == null ? "no payment waits" : "no card waits for a PIN");
            }
            entry = pinEntry;
            pinEntry = null;
            moveTo(SessionState.READING_CARD, waiting);
        }
        entry.complete(Optional.of(pin));
    }

    /** Cancels whatever payment waits (the counter's cancel button); false when nothing could be cancelled. */
    public boolean cancelWaiting() {
        String id;
        synchronized (this) {
            if (waiting == null) {
                return false;
            }
            id = waiting.id();
        }
        try {
            cancel(id);
            return true;
        } catch (NotWaitingException | NotFoundException gone) {
            return false;
        }
    }

    public synchronized Payment cancel(String paymentId) {
        expireIfOverdue();
        Payment payment = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        if (waiting == null || !waiting.id().equals(paymentId)) {
            throw new NotWaitingException(payment);
        }
        if (state != SessionState.WAITING && state != SessionState.AWAITING_PIN) {
            throw new NotWaitingException(payment, "is being decided: the citizen's " + (state == SessionState.CHECKING
                    ? "authorization is being checked" : "card is being read"));
        }
        Payment cancelled = waiting.cancel(now());
        journal.close(cancelled);
        waiting = null;
        moveTo(SessionState.CANCELLED, cancelled);
        if (pinEntry != null) {
            pinEntry.complete(Optional.empty());
            pinEntry = null;
        }
        return cancelled;
    }

    /** Where the session stands now, with its payment; empty when no payment waits. */
    public synchronized Optional<SessionState> sessionState() {
        expireIfOverdue();
        return waiting == null ? Optional.empty() : Optional.of(state);
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

    /**
     * A manager undoes an approval whose redemption has not been submitted for settlement yet (a wrong amount keyed,
     * goods taken back at once). The redemption stays in the journal; the settlement worker will never send it.
     *
     * @param reason why, in the manager's words (1 to {@value #MAX_VOID_REASON} characters); kept with the void
     * @throws NotFoundException        no such payment
     * @throws NotVoidableException     not approved, or its redemption already went to the chain
     * @throws IllegalArgumentException no reason, or a reason too long
     */
    public Payment voidPayment(String paymentId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_VOID_REASON) {
            throw new IllegalArgumentException("a void needs a reason of 1 to " + MAX_VOID_REASON + " characters");
        }
        Payment payment = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        if (payment.status() != PaymentStatus.APPROVED || !journal.voidApproved(paymentId, reason.strip(), now())) {
            Payment now = journal.find(paymentId).orElse(payment);
            throw new NotVoidableException(now);
        }
        Payment voided = journal.find(paymentId).orElseThrow(() -> new NotFoundException(paymentId));
        for (Consumer<Payment> listener : voidListeners) {
            listener.accept(voided);
        }
        return voided;
    }

    /** From now on, {@code listener} hears of every void, after it is recorded, on the voiding thread. */
    public void whenVoided(Consumer<Payment> listener) {
        voidListeners.add(listener);
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
        if (waiting != null && state == SessionState.WAITING
                && !now().isBefore(waiting.createdAt().plus(timeouts.payment()))) {
            Payment expired = waiting.expire(now());
            journal.close(expired);
            waiting = null;
            moveTo(SessionState.EXPIRED, expired);
        }
    }

    /**
     * A decision is committed to the journal a moment before its session closes here, so a till that polls can see
     * APPROVED and ask for its next payment in between. That till must not be told BUSY by a payment it already
     * knows is decided: wait (briefly, releasing the lock) for the session to close. A session still deciding
     * answers BUSY at once.
     */
    private void awaitSessionClosingOnItsDecision() {
        if (waiting == null || state == SessionState.WAITING || state == SessionState.AWAITING_PIN
                || journal.find(waiting.id()).map(Payment::isWaiting).orElse(true)) {
            return;
        }
        long until = System.nanoTime() + SESSION_CLOSING.toNanos();
        String decided = waiting.id();
        while (waiting != null && waiting.id().equals(decided) && System.nanoTime() < until) {
            try {
                wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Empty when a presentation may start on the waiting payment; else the answer for the one turned away. */
    private Optional<ScanResult> turnAwayUnlessWaiting() {
        expireIfOverdue();
        if (waiting == null) {
            return Optional.of(ScanResult.noPaymentWaiting());
        }
        if (state != SessionState.WAITING) {
            return Optional.of(ScanResult.of(waiting));
        }
        return Optional.empty();
    }

    /** Runs the checks without the lock, then closes the session on what they decided. */
    private ScanResult decide(Payment payment, Optional<TransferAuthorization> authorization, PaymentMethod method) {
        Payment decided;
        try {
            decided = authorizer.decide(payment, authorization, method);
        } catch (RuntimeException failed) {
            // Nothing was approved (an approval is the last write of decide); the payment may be presented again.
            synchronized (this) {
                if (waiting != null && waiting.id().equals(payment.id())) {
                    moveTo(SessionState.WAITING, waiting);
                }
            }
            throw failed;
        }
        return finish(decided);
    }

    private ScanResult finish(Payment decided) {
        synchronized (this) {
            waiting = null;
            moveTo(decided.status() == PaymentStatus.APPROVED ? SessionState.APPROVED : SessionState.DECLINED, decided);
            notifyAll();
        }
        onDecided.accept(decided);
        return ScanResult.of(decided);
    }

    /** Runs on the card's thread: asks for the PIN and waits for it without holding the lock. */
    private Optional<String> awaitPin(Address cardholder, int triesLeft) {
        CompletableFuture<Optional<String>> entry = new CompletableFuture<>();
        synchronized (this) {
            if (waiting == null || state != SessionState.READING_CARD) {
                return Optional.empty();
            }
            pinEntry = entry;
            state = SessionState.AWAITING_PIN;
            events.publish(SessionState.AWAITING_PIN, waiting, OptionalInt.of(triesLeft), now());
        }
        try {
            return entry.get(timeouts.pin().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException noPin) {
            synchronized (this) {
                if (pinEntry == entry) {
                    pinEntry = null;
                    return Optional.empty();
                }
            }
            // Keyed (or cancelled) just as the time ran out: that answer stands.
            return entry.getNow(Optional.empty());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return abandonPin(entry);
        } catch (ExecutionException impossible) {
            return abandonPin(entry);
        }
    }

    private synchronized Optional<String> abandonPin(CompletableFuture<Optional<String>> entry) {
        if (pinEntry == entry) {
            pinEntry = null;
        }
        return Optional.empty();
    }

    /** The one place a session changes state: under the lock, and published in the same breath. */
    private void moveTo(SessionState next, Payment payment) {
        state = next;
        events.publish(next, payment, payment.pinTriesLeft() == null ? OptionalInt.empty()
                : OptionalInt.of(payment.pinTriesLeft()), now());
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
