// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.domain.Receipt;
import nl.heitje.terminal.domain.ReceiptLayout;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.PaymentEvents;
import nl.heitje.terminal.port.ReceiptPrinter;
import nl.heitje.terminal.port.Reports;

/**
 * Prints receipts and X/Z reports on a thread of its own, from a short queue, so that a slow, jammed or missing
 * printer never holds up a payment or a till call: a slip that finds the queue full is dropped (and said so in
 * health), and a printer that fails is a warning for staff, never an error of the payment it was printing for.
 */
public final class ReceiptPrinting implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReceiptPrinting.class.getName());
    /** A few slips: more waiting than that means nobody is printing, and the customer has long gone. */
    static final int QUEUE_CAPACITY = 8;

    /**
     * @param merchant      the shop's name on top of every slip
     * @param settlementUrl where a payment's settlement is looked up, {@code {id}} standing for its id; empty: the
     *                      receipt's QR holds the payment id alone
     * @param auto          print a receipt for every approved payment
     * @param printZ        print the Z report whenever a period is closed
     */
    public record Settings(int columns, ZoneId zone, String merchant, Optional<String> settlementUrl, boolean auto,
                           boolean printZ) {
    }

    private final ReceiptPrinter printer;
    private final Settings settings;
    private final ReceiptLayout layout;
    private final Clock clock;
    private final BlockingQueue<Printout> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    private volatile Optional<String> problem = Optional.empty();
    private volatile Optional<Instant> lastPrinted = Optional.empty();

    public ReceiptPrinting(ReceiptPrinter printer, Settings settings, Clock clock) {
        this.printer = printer;
        this.settings = settings;
        this.layout = new ReceiptLayout(settings.columns(), settings.zone());
        this.clock = clock;
        this.worker = new Thread(this::printQueued, "receipt-printer");
        worker.setDaemon(true);
        worker.start();
    }

    /** With {@link Settings#auto()}: a receipt for every payment approved from now on. */
    public void listenTo(PaymentEvents events) {
        if (settings.auto()) {
            events.subscribe(this::onEvent);
        }
    }

    private void onEvent(PaymentEvent event) {
        if (event.state() == SessionState.APPROVED) {
            printReceipt(event.payment());
        }
    }

    /** Queues the receipt of an approved payment (a copy, when asked again); false when it was not queued. */
    public boolean printReceipt(Payment approved) {
        return offer(layout.receipt(Receipt.of(approved, settings.merchant(), settings.settlementUrl())),
                "receipt of " + approved.id());
    }

    public boolean printXReport(Instant from, Instant to, Totals totals) {
        return offer(layout.xReport(settings.merchant(), from, to, totals), "X report");
    }

    public boolean printZReport(ZReport closed) {
        return offer(layout.zReport(settings.merchant(), closed), "Z report " + closed.number());
    }

    /**
     * {@code reports} as they are, but with {@link Settings#printZ()} every period closed through them is printed
     * once closed: the till's end-of-day call prints the bar's Z slip without a call of its own.
     */
    public Reports printingEveryClose(Reports reports) {
        if (!settings.printZ()) {
            return reports;
        }
        return new Reports() {
            @Override
            public Totals totals(Instant from, Instant to) {
                return reports.totals(from, to);
            }

            @Override
            public Optional<ZReport> lastClose() {
                return reports.lastClose();
            }

            @Override
            public ZReport closePeriod(Instant now) {
                ZReport closed = reports.closePeriod(now);
                printZReport(closed);
                return closed;
            }

            @Override
            public Optional<ZReport> closed(long number) {
                return reports.closed(number);
            }

            @Override
            public List<PayoutStatement.PurseFigures> payoutFigures(Instant from, Instant to) {
                return reports.payoutFigures(from, to);
            }

            @Override
            public List<PayoutStatement.SettledPayment> settledPayments(Instant from, Instant to) {
                return reports.settledPayments(from, to);
            }
        };
    }

    /**
     * What staff should look at, when anything: the printer is not there now, it failed its last slip, or slips
     * were dropped. A failed slip is told until the next one prints.
     */
    public Optional<String> warning() {
        Optional<String> now;
        try {
            now = printer.problem();
        } catch (RuntimeException unknown) {
            now = Optional.empty();
        }
        return now.or(() -> problem).map(reason -> "receipt printer: " + reason);
    }

    public Optional<Instant> lastPrinted() {
        return lastPrinted;
    }

    private boolean offer(Printout slip, String what) {
        if (queue.offer(slip)) {
            return true;
        }
        problem = Optional.of("not printing; the " + what + " was dropped (" + QUEUE_CAPACITY + " slips waiting)");
        LOG.warning("receipt printer " + printer.name() + " is behind: the " + what + " was dropped");
        return false;
    }

    private void printQueued() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Printout slip = queue.take();
                try {
                    printer.print(slip);
                    problem = Optional.empty();
                    lastPrinted = Optional.of(clock.instant());
                } catch (ReceiptPrinter.PrinterUnavailableException failed) {
                    problem = Optional.of(failed.getMessage());
                    LOG.warning("a slip was not printed: " + failed.getMessage());
                } catch (RuntimeException fault) {
                    problem = Optional.of("printing failed: " + fault);
                    LOG.log(Level.WARNING, "printing a slip failed", fault);
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        worker.interrupt();
        printer.close();
    }
}
