// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Sale;
import nl.heitje.terminal.domain.Tally;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.Totals.Figure;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.port.SettlementQueue.Queued;
import nl.heitje.terminal.support.Authorizations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** The journal's report queries: X totals, Z closes and the payout figures, over several purses. */
class SqliteJournalReportsTest {
    /** Six decimals: one cent is 10 000 units. */
    static final Token EURC = new Token("EURC", 31337, Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"),
            "Euro Coin", "2", 6);
    private static final ECKeyPair PAYER = Authorizations.key("carla");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);

    @TempDir
    Path dir;
    private Path file;
    private SqliteJournal journal;
    private int payments;

    @BeforeEach
    void open() {
        file = dir.resolve("journal.db");
        journal = reopen();
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void totalsEachPurseByStatusAndSettlementWithPartialAndOfflinePayments() {
        Payment settled = approve(single(HEIT, 450, at(0)), HEIT, 450, false, at(1));
        Payment failed = approve(single(HEIT, 200, at(2)), HEIT, 200, false, at(3));
        Payment partial = approve(waiting(new Sale(new Euros(1000), Basket.NONE, Map.of(EURC, new Euros(600))), at(4)),
                EURC, 600, true, at(5));
        approve(single(EURC, 125, at(6)), EURC, 125, false, at(7));
        settle(settled, at(8));
        fail(failed, at(9));
        journal.close(single(HEIT, 300, at(10)).decline(DeclineCode.INSUFFICIENT_FUNDS, null, HEIT, PAYER_ADDRESS,
                PaymentMethod.QR, true, at(11)));
        journal.close(waiting(twoPurses(700), at(12)).cancel(at(13)));
        waiting(twoPurses(800), at(14));
        journal.expireAllWaiting(at(15));
        waiting(twoPurses(900), at(16));

        Totals totals = journal.totals(at(0), at(100));

        assertEquals(List.of("EURC", "HEIT"), totals.purses().stream().map(Totals.PurseTotals::symbol).limit(2)
                .toList());
        Totals.PurseTotals heit = totals.purse("HEIT").orElseThrow();
        assertEquals(new Tally(2, 650, 650), heit.get(Figure.APPROVED));
        assertEquals(new Tally(1, 450, 450), heit.get(Figure.APPROVED_SETTLED));
        assertEquals(new Tally(1, 200, 200), heit.get(Figure.APPROVED_FAILED));
        assertEquals(new Tally(1, 300, 300), heit.get(Figure.DECLINED));
        assertEquals(Tally.ZERO, heit.get(Figure.OFFLINE_APPROVED), "an offline decline is no offline approval");
        Totals.PurseTotals eurc = totals.purse("EURC").orElseThrow();
        assertEquals(6, eurc.decimals());
        assertEquals(new Tally(2, 725, 7_250_000), eurc.get(Figure.APPROVED));
        assertEquals(new Tally(2, 725, 7_250_000), eurc.get(Figure.APPROVED_PENDING));
        assertEquals(new Tally(1, 400, 0), eurc.get(Figure.PARTIAL), "what " + partial.reference() + " left over");
        assertEquals(new Tally(1, 600, 6_000_000), eurc.get(Figure.OFFLINE_APPROVED));
        Totals.PurseTotals none = totals.purse(null).orElseThrow();
        assertEquals(new Tally(1, 700, 0), none.get(Figure.CANCELLED));
        assertEquals(new Tally(1, 800, 0), none.get(Figure.EXPIRED));
        assertEquals(3, totals.purses().size(), "the payment still waiting is in no totals");
    }

    @Test
    void countsAPaymentDecidedAtTheStartOfAPeriodInItAndOneDecidedAtItsEndInTheNext() {
        approve(single(HEIT, 100, at(0)), HEIT, 100, false, at(10));
        approve(single(HEIT, 200, at(11)), HEIT, 200, false, at(20));

        assertEquals(new Tally(1, 100, 100), journal.totals(at(10), at(20)).purse("HEIT").orElseThrow()
                .get(Figure.APPROVED));
        assertEquals(new Tally(1, 200, 200), journal.totals(at(20), at(21)).purse("HEIT").orElseThrow()
                .get(Figure.APPROVED));
        assertEquals(Totals.EMPTY, journal.totals(at(10).plusMillis(1), at(20)));
        assertEquals(Totals.EMPTY, journal.totals(at(20), at(20)), "an empty period holds nothing");
    }

    @Test
    void closesPeriodsWithNumbersWithoutGapsKeptAcrossAReopen() {
        approve(single(HEIT, 450, at(5)), HEIT, 450, false, at(6));
        Payment waiting = single(HEIT, 300, at(7));

        ZReport first = journal.closePeriod(at(10));
        ZReport sameMillisecond = journal.closePeriod(at(10));
        journal.close(waiting.cancel(at(11)));
        ZReport third = journal.closePeriod(at(20));

        assertEquals(List.of(1L, 2L, 3L), List.of(first.number(), sameMillisecond.number(), third.number()));
        assertEquals(at(5), first.from(), "the first period starts with the first payment");
        assertEquals(at(10), first.to());
        assertEquals(new Tally(1, 450, 450), first.totals().purse("HEIT").orElseThrow().get(Figure.APPROVED));
        assertEquals(Tally.ZERO, first.totals().purse("HEIT").orElseThrow().get(Figure.CANCELLED),
                "the payment waiting at the close belongs to the next period");
        assertEquals(at(10), sameMillisecond.from());
        assertEquals(at(10), sameMillisecond.to());
        assertEquals(Totals.EMPTY, sameMillisecond.totals());
        assertEquals(new Tally(1, 300, 300), third.totals().purse("HEIT").orElseThrow().get(Figure.CANCELLED));

        journal.close();
        journal = reopen();

        assertEquals(Optional.of(first), journal.closed(1));
        assertEquals(Optional.of(third), journal.closed(3));
        assertEquals(Optional.of(third), journal.lastClose());
        assertEquals(Optional.empty(), journal.closed(4));
        assertEquals(4, journal.closePeriod(at(30)).number());
    }

    @Test
    void closesAnEmptyJournalAtNowAndNeverEndsAPeriodBeforeItStarts() {
        ZReport empty = journal.closePeriod(at(10));
        ZReport clockSetBack = journal.closePeriod(at(5));

        assertEquals(at(10), empty.from());
        assertEquals(at(10), empty.to());
        assertEquals(at(10), clockSetBack.from());
        assertEquals(at(10), clockSetBack.to());
        assertEquals(at(5), clockSetBack.closedAt());
    }

    @Test
    void keepsClosedPeriodsAsTheyWereClosed() throws SQLException {
        approve(single(HEIT, 450, at(5)), HEIT, 450, false, at(6));
        journal.closePeriod(at(10));

        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            assertThrows(SQLException.class, () -> statement.executeUpdate("UPDATE z_report SET to_at = 0"));
            assertThrows(SQLException.class, () -> statement.executeUpdate("UPDATE z_report_line SET cents = 1"));
            assertThrows(SQLException.class, () -> statement.executeUpdate("DELETE FROM z_report_line"));
            assertThrows(SQLException.class, () -> statement.executeUpdate(
                    "INSERT INTO z_report (number, from_at, to_at, closed_at) VALUES (3, 0, 0, 0)"), "a gap");
        }
        assertEquals(new Tally(1, 450, 450), journal.closed(1).orElseThrow().totals().purse("HEIT").orElseThrow()
                .get(Figure.APPROVED));
    }

    @Test
    void paysOutWhatSettledInThePeriodByItsSettlementTime() {
        Payment early = approve(single(HEIT, 450, at(0)), HEIT, 450, false, at(1));
        Payment inside = approve(single(EURC, 1250, at(2)), EURC, 1250, false, at(3));
        Payment atTheEnd = approve(single(HEIT, 100, at(4)), HEIT, 100, false, at(5));
        Payment failed = approve(single(HEIT, 200, at(6)), HEIT, 200, false, at(7));
        approve(single(EURC, 300, at(8)), EURC, 300, false, at(9));
        Payment submitted = approve(single(HEIT, 50, at(10)), HEIT, 50, false, at(11));
        approve(single(HEIT, 70, at(150)), HEIT, 70, false, at(151));
        settle(early, at(19));
        settle(inside, at(20));
        settle(atTheEnd, at(100));
        fail(failed, at(50));
        submit(submitted, at(60));

        Map<Token, PayoutStatement.PurseFigures> figures = new LinkedHashMap<>();
        journal.payoutFigures(at(20), at(100)).forEach(f -> figures.put(f.purse(), f));
        List<PayoutStatement.SettledPayment> settled = journal.settledPayments(at(20), at(100));

        assertEquals(new PayoutStatement.PurseFigures(EURC, new Tally(1, 1250, 12_500_000),
                new Tally(1, 300, 3_000_000), Tally.ZERO), figures.get(EURC));
        assertEquals(new PayoutStatement.PurseFigures(HEIT, Tally.ZERO, new Tally(1, 50, 50),
                new Tally(1, 200, 200)), figures.get(HEIT), "settled before or at the end is outside; approved after"
                + " the end is not pending in it");
        assertEquals(1, settled.size());
        PayoutStatement.SettledPayment only = settled.get(0);
        assertEquals(inside.id(), only.paymentId());
        assertEquals(inside.reference(), only.reference());
        assertEquals(EURC, only.purse());
        assertEquals(new Euros(1250), only.euros());
        assertEquals(PAYER_ADDRESS, only.payer());
        assertEquals("0xsettled-" + inside.id(), only.txHash());
        assertEquals(at(20), only.settledAt());
        assertTrue(journal.settledPayments(at(100), at(101)).stream()
                .anyMatch(p -> p.paymentId().equals(atTheEnd.id())));
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private SqliteJournal reopen() {
        return SqliteJournal.open(file, List.of(HEIT, EURC));
    }

    private static Instant at(long seconds) {
        return NOW.plusSeconds(seconds);
    }

    private static Sale twoPurses(long cents) {
        Map<Token, Euros> eligible = new LinkedHashMap<>();
        eligible.put(HEIT, new Euros(cents));
        eligible.put(EURC, new Euros(cents));
        return new Sale(new Euros(cents), Basket.NONE, eligible);
    }

    private Payment single(Token purse, long cents, Instant at) {
        return waiting(new Sale(new Euros(cents), Basket.NONE, Map.of(purse, new Euros(cents))), at);
    }

    private Payment waiting(Sale sale, Instant at) {
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, sale, at);
        journal.create(waiting);
        return waiting;
    }

    private Payment approve(Payment waiting, Token purse, long cents, boolean offline, Instant at) {
        Payment approved = waiting.approve(purse, PAYER_ADDRESS, PaymentMethod.QR, offline, at);
        long units = new Euros(cents).in(purse).units();
        journal.approve(approved, new Redemption(waiting.id(), purse, Authorizations.builder(purse, PAYER).value(units)
                .nonce(Authorizations.nonce(waiting.id())).build(), PaymentMethod.QR, offline, at, 0));
        return approved;
    }

    private Queued queued(Payment payment) {
        return journal.pending(100, at(1_000_000)).stream()
                .filter(q -> q.redemption().paymentId().equals(payment.id())).findFirst().orElseThrow();
    }

    private void settle(Payment payment, Instant at) {
        journal.resolvePending(queued(payment).sequence(), new Outcome.Settled("0xsettled-" + payment.id(), 7), at);
    }

    private void fail(Payment payment, Instant at) {
        journal.resolvePending(queued(payment).sequence(), new Outcome.Failed("AuthorizationExpired", false), at);
    }

    private void submit(Payment payment, Instant at) {
        journal.submit(new SettlementChain.SignedTransaction("0xtx-" + payment.id(), "0xraw", 1,
                SettlementChain.Fees.NONE), List.of(queued(payment)), at);
    }
}
