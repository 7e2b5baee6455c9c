// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How receipts and the X and Z reports are laid out on a roll of 32 or 48 columns. */
public final class ReceiptLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final int columns;
    private final ZoneId zone;

    public ReceiptLayout(int columns, ZoneId zone) {
        this.columns = columns;
        this.zone = zone;
    }

    public Printout receipt(Receipt receipt) {
        Printout.Builder slip = new Printout.Builder(columns)
                .heading(receipt.merchant())
                .blank()
                .pair("Amount", receipt.amount().toDecimalString() + " " + receipt.purse(), true)
                .pair("Purse", receipt.purse());
        receipt.remaining().ifPresent(rest -> slip
                .pair("Partial: still due", "EUR " + rest.toDecimalString(), true));
        slip.pair("Payer", receipt.shortPayer())
                .pair("Time", TIME.format(receipt.at().atZone(zone)))
                .pair("Reference", receipt.reference())
                .line("Payment")
                .fine(receipt.paymentId());
        if (receipt.offline()) {
            slip.bold("OFFLINE - settles when the terminal is back online");
        }
        return slip.blank()
                .qr(receipt.link())
                .fine(receipt.link())
                .blank()
                .centered("APPROVED")
                .build();
    }

    /** The running totals of {@code [from, to)}, not closed: nothing is kept of them. */
    public Printout xReport(String merchant, Instant from, Instant to, Totals totals) {
        return report(merchant, "X REPORT", Optional.empty(), from, to, totals);
    }

    public Printout zReport(String merchant, ZReport closed) {
        return report(merchant, "Z REPORT " + closed.number(), Optional.of(closed.closedAt()), closed.from(),
                closed.to(), closed.totals());
    }

    private Printout report(String merchant, String title, Optional<Instant> closedAt, Instant from, Instant to,
                            Totals totals) {
        Printout.Builder slip = new Printout.Builder(columns)
                .heading(title)
                .centered(merchant)
                .blank()
                .pair("From", TIME.format(from.atZone(zone)))
                .pair("To", TIME.format(to.atZone(zone)));
        closedAt.ifPresent(at -> slip.pair("Closed", TIME.format(at.atZone(zone))));
        if (totals.purses().isEmpty()) {
            slip.rule().line("No payments in this period.");
        }
        for (Totals.PurseTotals purse : totals.purses()) {
            slip.rule().bold(purse.symbol() == null ? "No purse presented" : "Purse " + purse.symbol());
            figure(slip, "Approved", purse.get(Totals.Figure.APPROVED), true);
            figure(slip, "  of which offline", purse.get(Totals.Figure.OFFLINE_APPROVED), false);
            figure(slip, "  settled", purse.get(Totals.Figure.APPROVED_SETTLED), false);
            figure(slip, "  pending", purse.get(Totals.Figure.APPROVED_PENDING)
                    .plus(purse.get(Totals.Figure.APPROVED_SUBMITTED)), false);
            figure(slip, "  failed", purse.get(Totals.Figure.APPROVED_FAILED), false);
            figure(slip, "Partial, still due", purse.get(Totals.Figure.PARTIAL), false);
            figure(slip, "Declined", purse.get(Totals.Figure.DECLINED), false);
            figure(slip, "Cancelled", purse.get(Totals.Figure.CANCELLED), false);
            figure(slip, "Expired", purse.get(Totals.Figure.EXPIRED), false);
        }
        return slip.rule().build();
    }

    /** A figure's line: label, count and euros; the lines that count nothing are left off, but approved never. */
    private static void figure(Printout.Builder slip, String label, Tally tally, boolean always) {
        if (tally.count() == 0 && !always) {
            return;
        }
        slip.pair(label + " " + tally.count() + "x", "EUR " + tally.euros().toDecimalString(), always);
    }
}
