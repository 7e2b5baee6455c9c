// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * Where a payment session stands, as its subscribers (lights, buzzer, the staff screen, the till's event stream)
 * see it. A session starts {@code WAITING}; a presentation moves it through {@code READING_CARD} (a card is being
 * talked to), {@code AWAITING_PIN} (the card wants its PIN keyed) and {@code CHECKING} (the signed authorization
 * goes through the checks) to one of the four ends.
 */
public enum SessionState {
    WAITING,
    READING_CARD,
    AWAITING_PIN,
    CHECKING,
    APPROVED,
    DECLINED,
    CANCELLED,
    EXPIRED;

    /** True for the states a session ends in. */
    public boolean isFinal() {
        return this == APPROVED || this == DECLINED || this == CANCELLED || this == EXPIRED;
    }
}
