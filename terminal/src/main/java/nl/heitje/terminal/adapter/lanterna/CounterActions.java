// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import java.util.List;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;

/**
 * What the staff screen asks of the application: the payment desk's use cases and the reports. One interface, so
 * every screen can be tried against a fake with no journal or chain behind it ({@link DeskCounterActions} is the
 * real one).
 */
public interface CounterActions {

    /** Opens a payment for this sale; the desk's exceptions (busy, nothing payable, …) pass through. */
    Payment request(Euros amount, Basket basket, String reference);

    /** Cancels whatever payment waits; false when there was none to cancel. */
    boolean cancelWaiting();

    /** The PIN for the card that asked for it; held by nobody after this call. */
    void enterPin(String pin);

    /** The newest payments first. */
    List<Payment> recent(int limit);

    /** The running totals since the last Z report (the X report). */
    Totals runningTotals();

    /** Closes the period up to now (the Z report). */
    ZReport closePeriod();

    /** Whether {@link #voidPayment} is available at all in this build. */
    default boolean canVoid() {
        return false;
    }

    /**
     * Voids an approved payment whose settlement has not gone out yet.
     *
     * @param reason why, kept with the void (the screen says who confirmed it)
     * @throws UnsupportedOperationException when the desk offers no void (see {@link #canVoid()})
     */
    default Payment voidPayment(String paymentId, String reason) {
        throw new UnsupportedOperationException("this terminal cannot void payments yet");
    }
}
