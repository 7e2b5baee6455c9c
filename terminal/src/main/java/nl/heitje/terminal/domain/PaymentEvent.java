// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One state change of a payment session. Events are numbered in the order they happened, from 1, without gaps,
 * for the life of the process.
 *
 * @param payment     the payment as it stands after the change
 * @param pinTriesLeft the card's PIN tries left, when the change is about a PIN (AWAITING_PIN, or a WRONG_PIN decline)
 */
public record PaymentEvent(long sequence, SessionState state, Payment payment, OptionalInt pinTriesLeft, Instant at) {
    public PaymentEvent {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(payment, "payment");
        Objects.requireNonNull(pinTriesLeft, "pinTriesLeft");
        Objects.requireNonNull(at, "at");
    }
}
