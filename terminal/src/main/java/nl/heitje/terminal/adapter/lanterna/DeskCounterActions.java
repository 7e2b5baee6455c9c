// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.Reports;

/** The staff screen's actions on the real payment desk and the journal's reports. */
public final class DeskCounterActions implements CounterActions {
    private final PaymentDesk desk;
    private final Reports reports;
    private final Clock clock;

    public DeskCounterActions(PaymentDesk desk, Reports reports, Clock clock) {
        this.desk = desk;
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public Payment request(Euros amount, Basket basket, String reference) {
        return desk.request(amount, basket, List.of(), reference).payment();
    }

    @Override
    public boolean cancelWaiting() {
        return desk.cancelWaiting();
    }

    @Override
    public void enterPin(String pin) {
        desk.enterPin(pin);
    }

    @Override
    public List<Payment> recent(int limit) {
        // Far enough back for "the last few", far enough ahead for a clock that was just set back.
        Instant now = clock.instant();
        return desk.list(now.minus(java.time.Duration.ofDays(3660)), now.plus(java.time.Duration.ofDays(1)), limit);
    }

    @Override
    public Totals runningTotals() {
        Instant from = reports.lastClose().map(ZReport::to).orElse(Instant.EPOCH);
        return reports.totals(from, clock.instant());
    }

    @Override
    public ZReport closePeriod() {
        return reports.closePeriod(clock.instant());
    }

    @Override
    public boolean canVoid() {
        return true;
    }

    /** The desk's void: only an approval not yet in any settlement batch (docs/till-api.md). */
    @Override
    public Payment voidPayment(String paymentId, String reason) {
        return desk.voidPayment(paymentId, reason);
    }
}
