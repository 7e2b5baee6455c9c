// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SigningCard;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.FakeSigningCard;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** The desk as a session state machine: card exchanges with their PIN, and the events every change publishes. */
class PaymentSessionTest {
    private static final ECKeyPair CITIZEN = Authorizations.key("bea");
    private static final long NO_PIN_LIMIT = 25_00;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeChainReader chain = new FakeChainReader().balance(Signatures.addressOf(CITIZEN), 100_00);
    private final LinkedBlockingQueue<PaymentEvent> seen = new LinkedBlockingQueue<>();
    private SqliteJournal journal;
    private PaymentEventBus events;
    private PaymentDesk desk;

    @BeforeEach
    void openCounter() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        events = new PaymentEventBus();
        events.subscribe(seen::add);
        desk = desk(Duration.ofMinutes(1));
    }

    private PaymentDesk desk(Duration pinTimeout) {
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        return new PaymentDesk(journal, new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(),
                new FakeHolderBalances(), clock), events, clock,
                new PaymentDesk.Timeouts(Duration.ofMinutes(2), pinTimeout), decided -> { });
    }

    @AfterEach
    void close() {
        events.close();
        journal.close();
    }

    private Payment request(long units) {
        return desk.request(new Money(units, HEIT), "till-" + units).payment();
    }

    private FakeSigningCard card() {
        return new FakeSigningCard(CITIZEN, "1234", NO_PIN_LIMIT);
    }

    /** The next event, waiting for the events' own thread to deliver it. */
    private PaymentEvent next() throws InterruptedException {
        PaymentEvent event = seen.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no payment event within " + DEADLINE);
        }
        return event;
    }

    private List<SessionState> statesUntilFinal() throws InterruptedException {
        List<SessionState> states = new ArrayList<>();
        PaymentEvent event;
        do {
            event = next();
            states.add(event.state());
        } while (!event.state().isFinal());
        return states;
    }

    private CompletableFuture<ScanResult> tapInBackground(FakeSigningCard card) {
        return CompletableFuture.supplyAsync(() -> desk.presentCard(card));
    }

    private PaymentEvent awaitState(SessionState wanted) throws InterruptedException {
        PaymentEvent event;
        do {
            event = next();
        } while (event.state() != wanted);
        return event;
    }

    @Test
    void aTapUnderTheNoPinLimitIsApprovedAndEveryStepIsPublishedOnceInOrder() throws Exception {
        request(450);

        Payment approved = desk.presentCard(card()).payment().orElseThrow();

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertEquals(PaymentMethod.CARD, approved.method());
        assertEquals(Signatures.addressOf(CITIZEN), approved.payer());
        assertEquals(1, journal.unsettledCount(), "the card's authorization was recorded for settlement");
        List<PaymentEvent> all = new ArrayList<>();
        PaymentEvent event;
        do {
            event = next();
            all.add(event);
        } while (!event.state().isFinal());
        assertEquals(List.of(SessionState.WAITING, SessionState.READING_CARD, SessionState.CHECKING,
                SessionState.APPROVED), all.stream().map(PaymentEvent::state).toList());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).sequence() + 1, all.get(i).sequence(), "numbered without gaps");
        }
    }

    @Test
    void overTheLimitTheRightPinApproves() throws Exception {
        request(40_00);
        FakeSigningCard card = card();
        CompletableFuture<ScanResult> tap = tapInBackground(card);

        PaymentEvent asking = awaitState(SessionState.AWAITING_PIN);
        assertEquals(3, asking.pinTriesLeft().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> desk.enterPin("12a4"), "a slip of the finger");
        assertEquals(SessionState.AWAITING_PIN, desk.sessionState().orElseThrow(), "still waiting for the PIN");
        desk.enterPin("1234");

        Payment approved = tap.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).payment().orElseThrow();
        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertEquals(List.of("select", "sign", "verify", "sign"), card.steps);
    }

    @Test
    void aWrongPinDeclinesWithTheTriesLeftKeptInTheJournal() throws Exception {
        Payment waiting = request(40_00);
        CompletableFuture<ScanResult> tap = tapInBackground(card());
        awaitState(SessionState.AWAITING_PIN);

        desk.enterPin("9999");

        Payment declined = tap.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).payment().orElseThrow();
        assertEquals(DeclineCode.WRONG_PIN, declined.declineCode());
        assertEquals(2, declined.pinTriesLeft());
        assertEquals(2, journal.find(waiting.id()).orElseThrow().pinTriesLeft(), "read back as answered");
        assertEquals(0, journal.unsettledCount());
        assertEquals(2, awaitState(SessionState.DECLINED).pinTriesLeft().orElseThrow());
    }

    @Test
    void aCardTakenAwayMidExchangeDeclinesCardRemovedAndRecordsNoRedemption() {
        for (String step : List.of("select", "sign")) {
            Payment waiting = request(450 + step.length());

            Payment declined = desk.presentCard(card().removedAt(step)).payment().orElseThrow();

            assertEquals(DeclineCode.CARD_REMOVED, declined.declineCode(), "removed at " + step);
            assertEquals(PaymentStatus.DECLINED, journal.find(waiting.id()).orElseThrow().status());
            assertEquals(0, journal.unsettledCount());
        }
    }

    @Test
    void aCardWhoseSignatureIsNotItsOwnIsACardError() {
        request(450);

        Payment declined = desk.presentCard(card().signingWith(Authorizations.key("mallory"))).payment()
                .orElseThrow();

        assertEquals(DeclineCode.CARD_ERROR, declined.declineCode());
        assertEquals(0, journal.unsettledCount());
    }

    @Test
    void theTillIsAnsweredAndMayCancelWhileTheCardWaitsForItsPin() throws Exception {
        Payment waiting = request(40_00);
        FakeSigningCard card = card();
        CompletableFuture<ScanResult> tap = tapInBackground(card);
        awaitState(SessionState.AWAITING_PIN);

        Payment cancelled = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(SessionState.AWAITING_PIN, desk.sessionState().orElseThrow());
            assertEquals(PaymentStatus.WAITING, desk.find(waiting.id()).orElseThrow().status());
            return desk.cancel(waiting.id());
        });

        assertEquals(PaymentStatus.CANCELLED, cancelled.status());
        Payment answered = tap.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).payment().orElseThrow();
        assertEquals(PaymentStatus.CANCELLED, answered.status());
        assertEquals(List.of("select", "sign"), card.steps, "nothing more was sent to the card");
        assertEquals(SessionState.CANCELLED, awaitState(SessionState.CANCELLED).state());
    }

    @Test
    void aPinNobodyKeysInTimeLeavesThePaymentWaitingForAnotherTry() throws Exception {
        desk = desk(Duration.ofMillis(50));
        Payment waiting = request(40_00);

        ScanResult result = desk.presentCard(card());

        assertEquals(PaymentStatus.WAITING, result.payment().orElseThrow().status());
        assertEquals(SessionState.WAITING, desk.sessionState().orElseThrow());
        assertEquals(List.of(SessionState.WAITING, SessionState.READING_CARD, SessionState.AWAITING_PIN,
                SessionState.WAITING), List.of(next().state(), next().state(), next().state(), next().state()));
        Payment paid = desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, CITIZEN).value(40_00)
                .build())).payment().orElseThrow();
        assertEquals(waiting.id(), paid.id());
        assertEquals(PaymentStatus.APPROVED, paid.status());
    }

    @Test
    void aPresentationWhileACardIsUnderWayIsTurnedAwayAndAPinNobodyAskedForIsRefused() throws Exception {
        request(40_00);
        assertThrows(PaymentDesk.NotWaitingException.class, () -> desk.enterPin("1234"));
        CompletableFuture<ScanResult> tap = tapInBackground(card());
        awaitState(SessionState.AWAITING_PIN);

        ScanResult second = desk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, CITIZEN).value(40_00)
                .build()));

        assertEquals(PaymentStatus.WAITING, second.payment().orElseThrow().status());
        assertEquals(0, journal.unsettledCount());
        desk.enterPin("1234");
        assertEquals(PaymentStatus.APPROVED,
                tap.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).payment().orElseThrow().status());
    }

    /** A card that answers every step at random: a made-up signature, a PIN demand, a refusal, or a crash. */
    private static SigningCard hostileCard(java.util.Random random) {
        return new SigningCard() {
            private Object randomAnswer() {
                int pick = random.nextInt(5);
                if (pick == 0) {
                    throw new SigningCard.CardRefusedException(DeclineCode.values()[random.nextInt(
                            DeclineCode.values().length)], "fuzzed");
                }
                if (pick == 1) {
                    throw new IllegalStateException("a broken adapter");
                }
                return pick;
            }

            @Override
            public CardInfo select() {
                randomAnswer();
                return new CardInfo(1, Signatures.addressOf(CITIZEN), random.nextInt(4),
                        java.math.BigInteger.valueOf(random.nextInt(5_000)));
            }

            @Override
            public SignOutcome sign(byte[] domainSeparator, TransferAuthorization fields) {
                Object answer = randomAnswer();
                if ((int) answer == 2) {
                    return new PinRequired();
                }
                byte[] bytes = new byte[65];
                random.nextBytes(bytes);
                bytes[64] = (byte) (27 + random.nextInt(2));
                return new Signed(Signature.of(bytes));
            }

            @Override
            public PinOutcome verifyPin(String pin) {
                Object answer = randomAnswer();
                return (int) answer == 2 ? new WrongPin(random.nextInt(3)) : new PinAccepted();
            }
        };
    }

    @Test
    void aHostileCardNeverWritesARedemptionAndNeverStopsTheCounter() {
        desk = desk(Duration.ofMillis(1));
        java.util.Random random = new java.util.Random(20261128L);
        for (int attempt = 0; attempt < 300; attempt++) {
            Payment waiting = desk.waiting().orElseGet(() -> request(100 + random.nextInt(5_000)));

            ScanResult result = desk.presentCard(hostileCard(random));

            Payment after = result.payment().orElseThrow();
            assertEquals(waiting.id(), after.id());
            assertTrue(after.status() == PaymentStatus.DECLINED || after.status() == PaymentStatus.WAITING,
                    "attempt " + attempt + " ended " + after.status());
            assertEquals(0, journal.unsettledCount(), "attempt " + attempt + " wrote a redemption");
        }
    }

    /**
     * A till that polls sees APPROVED as soon as the decision is committed, a moment before the session closes at the
     * desk, and asks for its next payment at once. It must get that payment, not BUSY for one it knows is decided.
     * The journal here lets the till in exactly then: right after the approval's commit, before the session closes.
     */
    @Test
    void aTillAskingForItsNextPaymentTheMomentItSeesApprovedIsNotToldBusy() throws Exception {
        java.util.concurrent.atomic.AtomicReference<PaymentDesk> deskRef = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Object> nextAnswer = new java.util.concurrent.atomic.AtomicReference<>();
        nl.heitje.terminal.port.Journal racing = (nl.heitje.terminal.port.Journal) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {nl.heitje.terminal.port.Journal.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(journal, args);
                    } catch (java.lang.reflect.InvocationTargetException failed) {
                        throw failed.getCause();
                    }
                    if (method.getName().equals("approve")) {
                        Thread till = new Thread(() -> {
                            try {
                                nextAnswer.set(deskRef.get().request(new Money(100, HEIT), "till-next").payment());
                            } catch (RuntimeException busy) {
                                nextAnswer.set(busy);
                            }
                        });
                        till.start();
                        long until = System.nanoTime() + DEADLINE.toNanos();
                        while (till.getState() != Thread.State.TIMED_WAITING && till.isAlive()
                                && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    return result;
                });
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        PaymentDesk racingDesk = new PaymentDesk(racing, new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), racing, new FakeDenyList(),
                new FakeHolderBalances(), clock), events, clock,
                new PaymentDesk.Timeouts(Duration.ofMinutes(2), Duration.ofMinutes(1)), decided -> { });
        deskRef.set(racingDesk);
        racingDesk.request(new Money(450, HEIT), "till-first");

        Payment approved = racingDesk.presentQr(PaymentQrCodec.encode(Authorizations.builder(HEIT, CITIZEN).build()))
                .payment().orElseThrow();

        assertEquals(PaymentStatus.APPROVED, approved.status());
        long until = System.nanoTime() + DEADLINE.toNanos();
        while (nextAnswer.get() == null && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(nextAnswer.get() instanceof Payment, "the next payment, not " + nextAnswer.get());
        assertEquals(PaymentStatus.WAITING, ((Payment) nextAnswer.get()).status());
    }

    @Test
    void aQrPaymentPublishesItsStepsAndTheExpiryIsAnEventToo() throws Exception {
        request(450);
        desk.presentQr("HTJ1:GARBAGE");
        assertEquals(List.of(SessionState.WAITING, SessionState.CHECKING, SessionState.DECLINED), statesUntilFinal());

        request(451);
        clock.advance(Duration.ofMinutes(2));
        desk.expireIfOverdue();
        assertEquals(List.of(SessionState.WAITING, SessionState.EXPIRED), statesUntilFinal());
        assertFalse(desk.sessionState().isPresent());
        assertNull(seen.poll());
        assertTrue(desk.waiting().isEmpty());
    }
}
