// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

class PaymentDeskTest {
    private static final ECKeyPair PAYER = Authorizations.key("anna");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeChainReader chain = new FakeChainReader().balance(Signatures.addressOf(PAYER), 100_00);
    private SqliteJournal journal;
    private PaymentDesk desk;

    @BeforeEach
    void openCounter() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        desk = newDesk();
    }

    private PaymentDesk newDesk() {
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        return new PaymentDesk(journal, new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(),
                new FakeHolderBalances(), clock), clock, TIMEOUT);
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private Payment request(long units, String reference) {
        return desk.request(new Money(units, HEIT), reference).payment();
    }

    @Test
    void aWaitingPaymentExpiresWhenItsTimeIsUpAndFreesTheCounter() {
        Payment waiting = request(450, "till-1");

        clock.advance(TIMEOUT.minusSeconds(1));
        assertEquals(PaymentStatus.WAITING, desk.find(waiting.id()).orElseThrow().status());
        clock.advance(Duration.ofSeconds(1));

        Payment expired = desk.find(waiting.id()).orElseThrow();
        assertEquals(PaymentStatus.EXPIRED, expired.status());
        assertEquals(clock.instant(), expired.decidedAt());
        assertEquals(PaymentStatus.WAITING, request(450, "till-2").status(), "the counter is free again");
    }

    @Test
    void aCodeShownAfterTheTimeoutFindsNoPaymentAndIsNotRecorded() {
        request(450, "till-1");
        clock.advance(TIMEOUT);

        var result = desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, PAYER).build()));

        assertTrue(result.payment().isEmpty());
        assertEquals(0, journal.unsettledCount());
    }

    @Test
    void onlyOnePaymentWaitsAtATime() {
        Payment first = request(450, "till-1");
        PaymentDesk.BusyException busy = assertThrows(PaymentDesk.BusyException.class, () -> request(100, "till-2"));
        assertEquals(first.id(), busy.waiting().id());
    }

    @Test
    void aTillRetryWithTheSameReferenceGetsTheSamePaymentEvenAfterApproval() {
        PaymentDesk.Requested first = desk.request(new Money(450, HEIT), "till-1");
        desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, PAYER).build()));

        PaymentDesk.Requested retry = desk.request(new Money(450, HEIT), "till-1");

        assertTrue(first.created());
        assertFalse(retry.created());
        assertEquals(first.payment().id(), retry.payment().id());
        assertEquals(PaymentStatus.APPROVED, retry.payment().status());
        assertThrows(PaymentDesk.ReferenceConflictException.class, () -> request(500, "till-1"));
    }

    @Test
    void aPaymentLeftWaitingByAStoppedTerminalIsExpiredAtTheNextStart() {
        Payment waiting = request(450, "till-1");

        newDesk();

        assertEquals(PaymentStatus.EXPIRED, journal.find(waiting.id()).orElseThrow().status());
    }

    @Test
    void theCounterKeepsAnsweringWhileAPaymentWaitsOnASlowNode() throws Exception {
        Payment waiting = request(450, "till-slow");
        CountDownLatch inLookup = new CountDownLatch(1);
        CountDownLatch nodeAnswers = new CountDownLatch(1);
        chain.duringBalanceLookup(() -> {
            inLookup.countDown();
            awaitQuietly(nodeAnswers);
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<ScanResult> scan = threads.submit(() ->
                    desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, PAYER).build())));
            assertTrue(inLookup.await(30, TimeUnit.SECONDS), "the lookup started");

            // The node has not answered; the till's calls must not wait for it.
            Future<Payment> tillMeanwhile = threads.submit(() -> {
                assertThrows(PaymentDesk.BusyException.class, () -> request(100, "till-other"));
                assertThrows(PaymentDesk.NotWaitingException.class, () -> desk.cancel(waiting.id()),
                        "a payment being decided can no longer be cancelled");
                desk.expireIfOverdue();
                return desk.find(waiting.id()).orElseThrow();
            });
            Payment seen;
            try {
                seen = tillMeanwhile.get(30, TimeUnit.SECONDS);
            } finally {
                nodeAnswers.countDown();
            }
            assertEquals(PaymentStatus.WAITING, seen.status());
            assertEquals(PaymentStatus.APPROVED, scan.get(30, TimeUnit.SECONDS).payment().orElseThrow().status());
        } finally {
            nodeAnswers.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aPaymentBeingDecidedIsNotExpiredUnderneathItsDecision() throws Exception {
        Payment waiting = request(450, "till-late");
        chain.duringBalanceLookup(() -> {
            clock.advance(TIMEOUT);
            desk.expireIfOverdue(); // the housekeeping timer fires while the node is slow
        });

        ScanResult result = desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, PAYER).build()));

        assertEquals(PaymentStatus.APPROVED, result.payment().orElseThrow().status());
        assertEquals(PaymentStatus.APPROVED, journal.find(waiting.id()).orElseThrow().status());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void cancellingWorksOnlyForTheWaitingPayment() {
        Payment waiting = request(450, "till-1");
        assertEquals(PaymentStatus.CANCELLED, desk.cancel(waiting.id()).status());
        assertThrows(PaymentDesk.NotWaitingException.class, () -> desk.cancel(waiting.id()));
        assertThrows(PaymentDesk.NotFoundException.class, () -> desk.cancel("no-such-id"));
    }
}
