// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.NOW;
import static nl.heitje.terminal.support.Fixtures.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.ReceiptPrinter;
import nl.heitje.terminal.port.Reports;
import org.junit.jupiter.api.Test;

class ReceiptPrintingTest {
    private static final ReceiptPrinting.Settings AUTO = new ReceiptPrinting.Settings(32, ZONE, "Bar",
            Optional.empty(), true, true);
    private static final Payment APPROVED = Payment.waiting("pay-1", "till-1", new Money(4_50, HEIT), NOW)
            .approve(HEIT, Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), PaymentMethod.QR, false, NOW);

    /** Takes slips into a queue; fails while told to. */
    private static class FakePrinter implements ReceiptPrinter {
        final LinkedBlockingQueue<Printout> printed = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> attempts = new LinkedBlockingQueue<>();
        volatile boolean unplugged;

        @Override
        public void print(Printout printout) throws PrinterUnavailableException {
            attempts.add(printout.text());
            if (unplugged) {
                throw new PrinterUnavailableException("no printer at /dev/usb/lp0");
            }
            printed.add(printout);
        }

        @Override
        public String name() {
            return "fake";
        }
    }

    @Test
    void printsAReceiptForEveryApprovalAndNothingForOtherEvents() throws Exception {
        FakePrinter printer = new FakePrinter();
        try (PaymentEventBus events = new PaymentEventBus();
             ReceiptPrinting printing = new ReceiptPrinting(printer, AUTO, Clock.systemUTC())) {
            printing.listenTo(events);
            Payment waiting = Payment.waiting("pay-0", "till-0", new Money(1_00, HEIT), NOW);
            events.publish(SessionState.WAITING, waiting, OptionalInt.empty(), NOW);
            events.publish(SessionState.CANCELLED, waiting.cancel(NOW), OptionalInt.empty(), NOW);
            events.publish(SessionState.APPROVED, APPROVED, OptionalInt.empty(), NOW);

            Printout slip = printer.printed.poll(10, TimeUnit.SECONDS);
            assertTrue(slip != null && slip.text().contains("pay-1"), String.valueOf(slip));
            assertTrue(printer.printed.isEmpty(), "one receipt only, for the approval");
        }
    }

    @Test
    void aPrinterThatIsGoneIsAWarningUntilASlipPrintsAgain() throws Exception {
        FakePrinter printer = new FakePrinter();
        printer.unplugged = true;
        try (ReceiptPrinting printing = new ReceiptPrinting(printer, AUTO, Clock.systemUTC())) {
            assertTrue(printing.printReceipt(APPROVED));
            printer.attempts.poll(10, TimeUnit.SECONDS);
            awaitWarning(printing, true);
            assertTrue(printing.warning().orElseThrow().contains("no printer at /dev/usb/lp0"));

            printer.unplugged = false;
            printing.printReceipt(APPROVED);
            assertTrue(printer.printed.poll(10, TimeUnit.SECONDS) != null);
            awaitWarning(printing, false);
        }
    }

    @Test
    void aStuckPrinterNeverHoldsUpTheCallerAndDropsWhatDoesNotFitTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ReceiptPrinter stuck = new ReceiptPrinter() {
            @Override
            public void print(Printout printout) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public String name() {
                return "stuck";
            }
        };
        try (ReceiptPrinting printing = new ReceiptPrinting(stuck, AUTO, Clock.systemUTC())) {
            printing.printReceipt(APPROVED);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < ReceiptPrinting.QUEUE_CAPACITY; i++) {
                assertTrue(printing.printReceipt(APPROVED), "slip " + i + " fits the queue");
            }
            assertFalse(printing.printReceipt(APPROVED), "one more than the queue holds is dropped at once");
            assertTrue(printing.warning().orElseThrow().contains("dropped"));
            release.countDown();
        }
    }

    @Test
    void closingAPeriodThroughTheReportsPrintsItsZReport() throws Exception {
        FakePrinter printer = new FakePrinter();
        ZReport closed = new ZReport(7, NOW.minusSeconds(3600), NOW, NOW, Totals.EMPTY);
        try (ReceiptPrinting printing = new ReceiptPrinting(printer, AUTO, Clock.systemUTC())) {
            Reports reports = printing.printingEveryClose(new ClosingOnly(closed));

            assertEquals(closed, reports.closePeriod(NOW));

            Printout slip = printer.printed.poll(10, TimeUnit.SECONDS);
            assertTrue(slip != null && slip.text().contains("Z REPORT 7"), String.valueOf(slip));
        }
    }

    @Test
    void withoutPrintZAClosePrintsNothing() {
        ReceiptPrinting.Settings quiet = new ReceiptPrinting.Settings(32, ZONE, "Bar", Optional.empty(), true, false);
        ClosingOnly reports = new ClosingOnly(new ZReport(1, NOW, NOW, NOW, Totals.EMPTY));
        try (ReceiptPrinting printing = new ReceiptPrinting(new FakePrinter(), quiet, Clock.systemUTC())) {
            assertTrue(printing.printingEveryClose(reports) == reports);
        }
    }

    @Test
    void aPrinterThatSaysItIsGoneIsAWarningBeforeAnySlipFails() {
        FakePrinter gone = new FakePrinter() {
            @Override
            public Optional<String> problem() {
                return Optional.of("no printer at /dev/usb/lp0");
            }
        };
        try (ReceiptPrinting printing = new ReceiptPrinting(gone, AUTO, Clock.systemUTC())) {
            assertEquals(Optional.of("receipt printer: no printer at /dev/usb/lp0"), printing.warning());
        }
    }

    private static void awaitWarning(ReceiptPrinting printing, boolean present) throws InterruptedException {
        for (int i = 0; i < 1000 && printing.warning().isPresent() != present; i++) {
            Thread.sleep(10);
        }
        assertEquals(present, printing.warning().isPresent(), String.valueOf(printing.warning()));
    }

    private record ClosingOnly(ZReport next) implements Reports {
        @Override
        public Totals totals(Instant from, Instant to) {
            return Totals.EMPTY;
        }

        @Override
        public Optional<ZReport> lastClose() {
            return Optional.empty();
        }

        @Override
        public ZReport closePeriod(Instant now) {
            return next;
        }

        @Override
        public Optional<ZReport> closed(long number) {
            return Optional.empty();
        }

        @Override
        public List<PayoutStatement.PurseFigures> payoutFigures(Instant from, Instant to) {
            return List.of();
        }

        @Override
        public List<PayoutStatement.SettledPayment> settledPayments(Instant from, Instant to) {
            return List.of();
        }
    }
}
