// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * Plays a citizen at the card reader: puts a card on it, keys the PIN when the card asks for one (as staff would
 * on the terminal), and reports how the exchange ended. It watches the terminal's payment events, the same ones
 * the lights and the staff screen follow.
 */
public final class CardTaps {

    /** Thrown when a card is tapped with no payment waiting: nothing would read it. */
    public static final class NoPaymentWaitingException extends RuntimeException {
        NoPaymentWaitingException() {
            super("no payment is waiting for a card");
        }
    }

    /** The payment whose events are being watched, and where they go; one tap at a time. */
    private final AtomicReference<Watch> watching = new AtomicReference<>();
    private final PaymentDesk desk;
    private final Duration deadline;

    private record Watch(String paymentId, LinkedBlockingQueue<PaymentEvent> events) {
    }

    public CardTaps(PaymentDesk desk, PaymentEvents events, Duration deadline) {
        this.desk = desk;
        this.deadline = deadline;
        events.subscribe(event -> {
            Watch watch = watching.get();
            if (watch != null && watch.paymentId().equals(event.payment().id())) {
                watch.events().add(event);
            }
        });
    }

    /**
     * Taps a card and waits until the exchange has ended: decided, cancelled, or back to waiting because the PIN
     * never came.
     *
     * @param putOnReader puts the card on the reader
     * @param takeAway    takes it away again (also when the exchange took it away itself)
     * @param pin         keyed when the card asks for its PIN; empty: nobody keys it
     */
    public synchronized Payment tap(Runnable putOnReader, Runnable takeAway, Optional<String> pin) {
        Payment waiting = desk.waiting().orElseThrow(NoPaymentWaitingException::new);
        Watch watch = new Watch(waiting.id(), new LinkedBlockingQueue<>());
        watching.set(watch);
        try {
            putOnReader.run();
            boolean pinKeyed = false;
            boolean started = false;
            long until = System.nanoTime() + deadline.toNanos();
            while (true) {
                PaymentEvent event = watch.events().poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new IllegalStateException("the card exchange did not end within " + deadline);
                }
                SessionState state = event.state();
                if (state.isFinal() || (started && state == SessionState.WAITING)) {
                    break;
                }
                started |= state == SessionState.READING_CARD;
                if (state == SessionState.AWAITING_PIN && pin.isPresent() && !pinKeyed) {
                    pinKeyed = true;
                    desk.enterPin(pin.get());
                }
            }
            return desk.find(waiting.id()).orElse(waiting);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a card was on the reader", interrupted);
        } finally {
            watching.set(null);
            takeAway.run();
        }
    }
}
