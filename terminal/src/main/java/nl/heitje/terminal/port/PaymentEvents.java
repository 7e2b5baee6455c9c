// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import java.util.OptionalInt;
import java.util.function.Consumer;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;

/**
 * Where the payment desk announces every state change of a payment session: each change is published once, in
 * the order it happened, and reaches every subscriber in that order. Publishing never waits for a subscriber, so
 * a slow buzzer or a stalled event stream cannot hold up the counter.
 */
public interface PaymentEvents {

    /** Numbers the change and hands it to the subscribers; returns at once. */
    PaymentEvent publish(SessionState state, Payment payment, OptionalInt pinTriesLeft, Instant at);

    /** From now on, {@code subscriber} is told of every change, in order, on the events' own thread. */
    void subscribe(Consumer<PaymentEvent> subscriber);
}
