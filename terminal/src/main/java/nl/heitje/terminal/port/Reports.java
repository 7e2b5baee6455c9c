// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;

/**
 * The journal's figures for the till's X and Z reports and the merchant's payout statement. Periods are
 * {@code [from, to)}: a payment decided, or a settlement completed, exactly at {@code to} is in the next one.
 */
public interface Reports {

    /** The payments decided in {@code [from, to)}, with their settlement as it stands now. */
    Totals totals(Instant from, Instant to);

    /** The newest Z report, if any period was ever closed. */
    Optional<ZReport> lastClose();

    /**
     * Closes the period from where the last Z report ended (before the first, the first decided payment) up to
     * {@code now}, and keeps it for good under the next number. A payment still waiting is in none of it: it counts
     * in the period it is decided in.
     */
    ZReport closePeriod(Instant now);

    Optional<ZReport> closed(long number);

    /** Per purse that has any: settled, not yet settled and failed, as {@link PayoutStatement.PurseFigures} says. */
    List<PayoutStatement.PurseFigures> payoutFigures(Instant from, Instant to);

    /** The payments whose settlement completed in {@code [from, to)}, oldest settlement first. */
    List<PayoutStatement.SettledPayment> settledPayments(Instant from, Instant to);
}
