// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.MERCHANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.adapter.file.SignedDenyListStore;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

class PaymentAuthorizerTest {
    private static final ECKeyPair PAYER = Authorizations.key("anna");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);
    private static final ECKeyPair OTHER_PAYER = Authorizations.key("bert");
    private static final long NOW = Fixtures.NOW.getEpochSecond();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeChainReader chain = new FakeChainReader().balance(PAYER_ADDRESS, 100_00)
            .balance(Signatures.addressOf(OTHER_PAYER), 100_00);
    private final FakeDenyList denyList = new FakeDenyList();
    /** Synced a minute ago; both payers held 100.00 then. */
    private final FakeHolderBalances snapshot = new FakeHolderBalances().balance(PAYER_ADDRESS, 100_00)
            .balance(Signatures.addressOf(OTHER_PAYER), 100_00).coveredUpTo(1_000, Fixtures.NOW.minusSeconds(60));
    private Connectivity connectivity;
    private SqliteJournal journal;
    private PaymentAuthorizer authorizer;

    @BeforeEach
    void openTerminal() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, denyList, snapshot, clock);
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    // ---- one test per decline code, in the order of payment-qr.md --------------------------------------

    @Test
    void declinesAnUndecodableCodeAsMalformed() {
        Payment declined = decide(waiting(450), PaymentQrCodec.decode("HTJ1:NOT A PAYMENT"));

        assertDeclined(DeclineCode.MALFORMED, declined);
        assertNull(declined.payer(), "nothing was decoded, so nobody can be named");
    }

    @Test
    void declinesAnAuthorizationForAnUnknownContract() {
        Token elsewhere = new Token("HEIT", HEIT.chainId(),
                Address.parse("0x000000000000000000000000000000000000dead"), HEIT.eip712Name(), "1", 2);

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, decide(waiting(450), builder().domain(elsewhere).build()));
    }

    @Test
    void declinesAnAuthorizationForTheRightContractOnAnotherChain() {
        Token mainnet = new Token("HEIT", 1, HEIT.contract(), HEIT.eip712Name(), "1", 2);

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, decide(waiting(450), builder().domain(mainnet).build()));
    }

    @Test
    void declinesAnAuthorizationPayingAnotherMerchant() {
        Address competitor = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

        assertDeclined(DeclineCode.WRONG_MERCHANT, decide(waiting(450), builder().to(competitor).build()));
    }

    @Test
    void declinesAnAuthorizationForAnotherAmount() {
        assertDeclined(DeclineCode.AMOUNT_MISMATCH, decide(waiting(450), builder().value(449).build()));
        assertDeclined(DeclineCode.AMOUNT_MISMATCH, decide(waiting(450), builder().value(4500).nonce(nonce(2)).build()));
    }

    @Test
    void declinesAnAuthorizationSignedByAnotherKey() {
        TransferAuthorization forged = builder().signedBy(OTHER_PAYER).build();

        assertDeclined(DeclineCode.BAD_SIGNATURE, decide(waiting(450), forged));
    }

    @Test
    void declinesTheHighSTwinOfAValidSignature() {
        TransferAuthorization valid = builder().build();
        Signature low = valid.signature();
        BigInteger n = Sign.CURVE_PARAMS.getN();
        Signature high = new Signature(low.r(), n.subtract(low.s()), low.v() == 27 ? 28 : 27);
        // Without EIP-2 the twin is just as good: it recovers the payer. Only the low-s rule can refuse it.
        BigInteger recovered = Sign.recoverFromSignature(high.v() - 27, new ECDSASignature(high.r(), high.s()),
                Authorizations.digest(HEIT, valid));
        assertEquals(PAYER.getPublicKey(), recovered);

        assertDeclined(DeclineCode.BAD_SIGNATURE, decide(waiting(450), valid.withSignature(high)));
    }

    @Test
    void declinesASignatureWithAnUnusualRecoveryByte() {
        TransferAuthorization valid = builder().build();
        Signature raw = new Signature(valid.signature().r(), valid.signature().s(), valid.signature().v() - 27);

        assertDeclined(DeclineCode.BAD_SIGNATURE, decide(waiting(450), valid.withSignature(raw)));
    }

    @Test
    void declinesAnAuthorizationThatExpiresInsideTheSettlementWindow() {
        long insideWindow = NOW + Fixtures.ONLINE_WINDOW.toSeconds() - 1;

        assertDeclined(DeclineCode.EXPIRED, decide(waiting(450), builder().validBefore(insideWindow).build()));
    }

    @Test
    void declinesAnAuthorizationThatExpiredAlready() {
        assertDeclined(DeclineCode.EXPIRED, decide(waiting(450), builder().validAfter(NOW - 7200).validBefore(NOW - 3600).build()));
    }

    @Test
    void needsTheLongerWindowWhenOffline() {
        chain.unavailable(true);
        // Long enough to settle online, too short for the day an offline terminal may need.
        long twoHours = NOW + Duration.ofHours(2).toSeconds();

        Payment declined = decide(waiting(450), builder().validBefore(twoHours).build());

        assertDeclined(DeclineCode.EXPIRED, declined);
        assertTrue(declined.offline());
    }

    @Test
    void declinesAnAuthorizationThatIsNotValidYet() {
        assertDeclined(DeclineCode.NOT_YET_VALID, decide(waiting(450), builder().validAfter(NOW + 60).build()));
    }

    @Test
    void declinesAnAuthorizationThatBecomesValidThisVerySecond() {
        // validAfter < now, strictly: the contract itself refuses block.timestamp == validAfter.
        assertDeclined(DeclineCode.NOT_YET_VALID, decide(waiting(450), builder().validAfter(NOW).build()));
    }

    @Test
    void declinesReplayedAuthorization() {
        TransferAuthorization once = builder().build();
        assertEquals(PaymentStatus.APPROVED, decide(waiting(450), once).status());

        assertDeclined(DeclineCode.REPLAYED, decide(waiting(450), once));
        assertEquals(1, journal.unsettledCount());
    }

    @Test
    void declinesAnAuthorizationWhoseNonceWasUsedOnChain() {
        TransferAuthorization spentElsewhere = builder().build();
        chain.markUsed(PAYER_ADDRESS, spentElsewhere.nonce());

        assertDeclined(DeclineCode.REPLAYED, decide(waiting(450), spentElsewhere));
    }

    @Test
    void declinesAPayerOnTheDenyList() {
        denyList.deny(PAYER_ADDRESS);

        Payment declined = decide(waiting(450), builder().build());

        assertDeclined(DeclineCode.DENIED, declined);
        assertEquals(PAYER_ADDRESS, declined.payer(), "staff must see who tried");
    }

    @Test
    void declinesWhenTheChainBalanceIsTooLow() {
        chain.balance(PAYER_ADDRESS, 449);

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS, decide(waiting(450), builder().build()));
    }

    @Test
    void countsUnsettledRedemptionsOfTheSamePayerAgainstTheBalance() {
        chain.balance(PAYER_ADDRESS, 10_00);
        chain.balance(Signatures.addressOf(OTHER_PAYER), 10_00);

        assertEquals(PaymentStatus.APPROVED, decide(waiting(6_00), builder().value(6_00).nonce(nonce(1)).build()).status());
        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS,
                decide(waiting(6_00), builder().value(6_00).nonce(nonce(2)).build()));
        // Another payer's balance is not touched by the first one's redemption.
        assertEquals(PaymentStatus.APPROVED, decide(waiting(6_00),
                Authorizations.builder(HEIT, OTHER_PAYER).value(6_00).nonce(nonce(3)).build()).status());
    }

    @Test
    void capsWhatOnlineApprovalsMayLeaveUnsettledAcrossPayers() {
        chain.balance(PAYER_ADDRESS, 10_000_00);
        chain.balance(Signatures.addressOf(OTHER_PAYER), 10_000_00);
        long half = Fixtures.MAX_UNSETTLED_ONLINE / 2;
        assertEquals(PaymentStatus.APPROVED, decide(waiting(half), builder().value(half).nonce(nonce(1)).build()).status());
        assertEquals(PaymentStatus.APPROVED, decide(waiting(half), Authorizations.builder(HEIT, OTHER_PAYER).value(half)
                .nonce(nonce(2)).build()).status());

        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(1), builder().value(1).nonce(nonce(3)).build()));
    }

    @Test
    void cuttingTheNetworkSpendingTheLimitAndFailingCannotBeRepeatedUntilAManagerAcknowledgesTheLoss() {
        chain.unavailable(true);
        long limit = Fixtures.OFFLINE_LIMITS.perPayment();
        int payers = (int) (Fixtures.OFFLINE_LIMITS.totalExposure() / limit);
        List<Payment> approved = new java.util.ArrayList<>();
        for (int i = 0; i < payers; i++) {
            var key = Authorizations.key("payer-" + i);
            snapshot.balance(Signatures.addressOf(key), 10 * limit);
            Payment payment = decide(waiting(limit), Authorizations.builder(HEIT, key)
                    .value(limit).nonce(nonce(100 + i)).build());
            assertEquals(PaymentStatus.APPROVED, payment.status());
            approved.add(payment);
        }
        // Back online, every one of them fails: the payers spent their nonces elsewhere.
        var items = journal.pending(100, Fixtures.NOW.plusSeconds(86_400));
        var batch = journal.submit(new SettlementChain.SignedTransaction("0x02", "0xraw", 0, SettlementChain.Fees.NONE),
                items, Fixtures.NOW);
        java.util.Map<Long, SettlementQueue.Outcome> failed = new java.util.HashMap<>();
        items.forEach(item -> failed.put(item.sequence(), new SettlementQueue.Outcome.Failed("nonce reused", true)));
        journal.complete(batch.id(), failed, Fixtures.NOW);

        snapshot.balance(Signatures.addressOf(Authorizations.key("next")), 10 * limit);
        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(limit), Authorizations.builder(HEIT,
                Authorizations.key("next")).value(limit).nonce(nonce(999)).build()));

        approved.forEach(payment -> assertTrue(journal.acknowledgeLoss(payment.id(), Fixtures.NOW)));
        assertEquals(PaymentStatus.APPROVED, decide(waiting(limit), Authorizations.builder(HEIT,
                Authorizations.key("next")).value(limit).nonce(nonce(998)).build()).status());
    }

    @Test
    void offlineARedemptionSettledAfterTheSnapshotsBlockStillCountsAgainstThePayer() {
        chain.balance(PAYER_ADDRESS, 10_00);
        snapshot.balance(PAYER_ADDRESS, 10_00).coveredUpTo(10, Fixtures.NOW);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(6_00), builder().value(6_00).nonce(nonce(1)).build()).status());
        // It settles in block 11; the snapshot still shows block 10, the 10.00 before the payment.
        var items = journal.pending(10, Fixtures.NOW.plusSeconds(86_400));
        var batch = journal.submit(new SettlementChain.SignedTransaction("0x03", "0xraw", 0, SettlementChain.Fees.NONE),
                items, Fixtures.NOW);
        journal.complete(batch.id(), java.util.Map.of(items.get(0).sequence(),
                new SettlementQueue.Outcome.Settled("0x03", 11)), Fixtures.NOW);
        chain.unavailable(true);

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS,
                decide(waiting(6_00), builder().value(6_00).nonce(nonce(2)).build()));
    }

    @Test
    void aSettlementLandingBetweenTheTwoReadsIsStillCounted() {
        chain.balance(PAYER_ADDRESS, 10_00);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(6_00), builder().value(6_00).nonce(nonce(1)).build()).status());
        // While the node answers with the balance it had, our settlement of the 6.00 lands and is recorded.
        chain.duringBalanceLookup(() -> {
            var items = journal.pending(10, Fixtures.NOW.plusSeconds(86_400));
            var batch = journal.submit(new SettlementChain.SignedTransaction("0x01", "0xraw", 0, SettlementChain.Fees.NONE),
                    items, Fixtures.NOW);
            journal.complete(batch.id(), java.util.Map.of(items.get(0).sequence(),
                    new SettlementQueue.Outcome.Settled("0x01", 1)), Fixtures.NOW);
            chain.balance(PAYER_ADDRESS, 4_00);
            chain.duringBalanceLookup(() -> { });
        });

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS,
                decide(waiting(6_00), builder().value(6_00).nonce(nonce(2)).build()));
    }

    @Test
    void declinesAnOfflinePaymentAboveThePerPaymentLimit() {
        chain.unavailable(true);

        Payment declined = decide(waiting(20_01), builder().value(20_01).build());

        assertDeclined(DeclineCode.OFFLINE_LIMIT, declined);
        assertTrue(declined.offline());
        assertFalse(connectivity.isOnline(), "a failed chain call must switch the terminal to offline");
    }

    @Test
    void declinesAnOfflinePaymentAboveThePayersDailyLimit() {
        chain.unavailable(true);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(20_00), builder().value(20_00).nonce(nonce(1)).build()).status());

        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(15_00), builder().value(15_00).nonce(nonce(2)).build()));
        // The limit is per payer: someone else may still pay the same amount.
        assertEquals(PaymentStatus.APPROVED, decide(waiting(15_00),
                Authorizations.builder(HEIT, OTHER_PAYER).value(15_00).nonce(nonce(3)).build()).status());
    }

    @Test
    void startsTheOfflineDailyLimitAfreshTheNextDay() {
        chain.unavailable(true);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(20_00), builder().value(20_00).nonce(nonce(1)).build()).status());

        clock.advance(Duration.ofDays(1));
        snapshot.coveredUpTo(2_000, clock.instant().minusSeconds(60)); // synced again before the network went
        long tomorrow = clock.instant().getEpochSecond();
        Payment nextDay = decide(waiting(15_00), builder().value(15_00).nonce(nonce(2))
                .validAfter(tomorrow - 60).validBefore(tomorrow + Duration.ofDays(2).toSeconds()).build());

        assertEquals(PaymentStatus.APPROVED, nextDay.status(), () -> "declined " + nextDay.declineCode());
    }

    // ---- the deny-list and offline approvals -------------------------------------------------------------

    @Test
    void refusesEveryOfflineApprovalWhileTheDenyListIsNotFresh() {
        chain.unavailable(true);
        List<DenyListStanding> notFresh = List.of(new DenyListStanding.Missing(),
                new DenyListStanding.Unverifiable("signed by someone else"),
                new DenyListStanding.Stale(7, Fixtures.NOW.minus(Duration.ofDays(3)), Duration.ofDays(3)));
        int n = 0;
        for (DenyListStanding standing : notFresh) {
            denyList.standing(standing);

            Payment declined = decide(waiting(450), builder().nonce(nonce(100 + n++)).build());

            assertDeclined(DeclineCode.OFFLINE_LIMIT, declined);
            assertTrue(declined.offline());
        }
    }

    @Test
    void approvesOnlineWhenTheDenyListIsMissingOrStale() {
        denyList.standing(new DenyListStanding.Missing());
        assertEquals(PaymentStatus.APPROVED, decide(waiting(450), builder().nonce(nonce(1)).build()).status());

        denyList.standing(new DenyListStanding.Stale(7, Fixtures.NOW.minus(Duration.ofDays(3)), Duration.ofDays(3)));
        Payment approved = decide(waiting(450), builder().nonce(nonce(2)).build());

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertFalse(approved.offline());
    }

    @Test
    void aStaleListStillDeniesThePayersItNamesOnline() {
        denyList.standing(new DenyListStanding.Stale(7, Fixtures.NOW.minus(Duration.ofDays(3)), Duration.ofDays(3)));
        denyList.deny(PAYER_ADDRESS);

        assertDeclined(DeclineCode.DENIED, decide(waiting(450), builder().build()));
    }

    /** The real store and real signed lists behind the port, as the terminal runs them. */
    @Nested
    class WithTheMunicipalitysSignedList {
        private final Instant issued = Fixtures.NOW.minus(Duration.ofHours(1));
        private SignedDenyListStore store;
        private PaymentAuthorizer withStore;

        @BeforeEach
        void openStore() {
            store = SignedDenyListStore.open(dir.resolve("deny-list.signed"), Optional.of(DenyLists.ISSUER),
                    HEIT.chainId(), Duration.ofHours(48), clock);
            withStore = new PaymentAuthorizer(Fixtures.rules(),
                    PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, store, snapshot, clock);
        }

        private Payment decideWithStore(int nonce) {
            return withStore.decide(waiting(450), Optional.of(builder().nonce(nonce(nonce)).build()), PaymentMethod.QR);
        }

        @Test
        void withNoListOfflineIsRefusedAndOnlineNobodyIsDenied() {
            assertEquals(PaymentStatus.APPROVED, decideWithStore(1).status());

            chain.unavailable(true);
            assertDeclined(DeclineCode.OFFLINE_LIMIT, decideWithStore(2));
        }

        @Test
        void aPayerIsDeclinedOnlyOnceAVerifiedListNamesThem() {
            byte[] forged = DenyLists.signed(Authorizations.key("impostor"), HEIT.chainId(), 1, issued, PAYER_ADDRESS);
            store.offer(forged);
            assertEquals(PaymentStatus.APPROVED, decideWithStore(1).status(), "a forged list denies nobody");

            store.offer(DenyLists.signed(1, issued, PAYER_ADDRESS));

            assertDeclined(DeclineCode.DENIED, decideWithStore(2));
        }

        @Test
        void aFreshListAllowsOfflineApprovalsUntilItGoesStaleAndThenStillDenies() {
            Instant almostTwoDaysAgo = Fixtures.NOW.minus(Duration.ofHours(47));
            store.offer(DenyLists.signed(1, almostTwoDaysAgo, Signatures.addressOf(OTHER_PAYER)));
            chain.unavailable(true);
            assertEquals(PaymentStatus.APPROVED, decideWithStore(1).status());

            clock.advance(Duration.ofHours(2));
            Payment stale = decideWithStore(2);
            Payment denied = withStore.decide(waiting(450), Optional.of(Authorizations.builder(HEIT, OTHER_PAYER)
                    .to(MERCHANT).value(450).nonce(nonce(3)).build()), PaymentMethod.QR);

            assertDeclined(DeclineCode.OFFLINE_LIMIT, stale);
            assertDeclined(DeclineCode.DENIED, denied);
        }
    }

    // ---- the holder snapshot and offline funds ----------------------------------------------------------

    @Test
    void offlineDeclinesAPayerTheSnapshotDoesNotKnow() {
        chain.unavailable(true);
        ECKeyPair stranger = Authorizations.key("stranger");

        Payment declined = decide(waiting(450), Authorizations.builder(HEIT, stranger).to(MERCHANT).value(450).build());

        assertDeclined(DeclineCode.OFFLINE_LIMIT, declined);
        assertTrue(declined.offline());
    }

    @Test
    void offlineDeclinesAPayerWhoHoldsNothingAsInsufficientFunds() {
        chain.unavailable(true);
        snapshot.balance(PAYER_ADDRESS, 0);

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS, decide(waiting(450), builder().build()));
    }

    @Test
    void offlineFundsAreTheSnapshotBalanceLessWhatThisTerminalHasNotSettled() {
        snapshot.balance(PAYER_ADDRESS, 10_00);
        chain.unavailable(true);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(6_00), builder().value(6_00).nonce(nonce(1)).build()).status());

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS, decide(waiting(4_01), builder().value(4_01).nonce(nonce(2)).build()));
        Payment exactlyTheRest = decide(waiting(4_00), builder().value(4_00).nonce(nonce(3)).build());
        assertEquals(PaymentStatus.APPROVED, exactlyTheRest.status(), () -> "declined " + exactlyTheRest.declineCode());
    }

    @Test
    void anOnlineApprovalNotYetSettledCountsAgainstTheSnapshotOffline() {
        chain.balance(PAYER_ADDRESS, 10_00);
        snapshot.balance(PAYER_ADDRESS, 10_00);
        assertEquals(PaymentStatus.APPROVED, decide(waiting(8_00), builder().value(8_00).nonce(nonce(1)).build()).status());

        chain.unavailable(true);
        Payment declined = decide(waiting(4_50), builder().value(4_50).nonce(nonce(2)).build());

        assertDeclined(DeclineCode.INSUFFICIENT_FUNDS, declined);
        assertTrue(declined.offline());
    }

    @Test
    void offlineIsRefusedWithoutASnapshotOrWithOneTooOld() {
        chain.unavailable(true);
        snapshot.missing();
        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(450), builder().nonce(nonce(1)).build()));

        snapshot.coveredUpTo(1_000, Fixtures.NOW.minus(Duration.ofDays(1)).minusSeconds(1));
        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(450), builder().nonce(nonce(2)).build()));

        snapshot.coveredUpTo(1_000, Fixtures.NOW.plus(Duration.ofMinutes(6)));
        // A snapshot dated well ahead of the terminal's clock is not trusted either.
        assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(450), builder().nonce(nonce(3)).build()));

        snapshot.coveredUpTo(1_000, Fixtures.NOW.minus(Duration.ofDays(1)));
        assertEquals(PaymentStatus.APPROVED, decide(waiting(450), builder().nonce(nonce(4)).build()).status(),
                "exactly the maximum age is still fresh");
    }

    @Test
    void onlineTheChainDecidesWhateverTheSnapshotSays() {
        snapshot.missing();
        snapshot.balance(PAYER_ADDRESS, 0);

        Payment approved = decide(waiting(450), builder().build());

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertFalse(approved.offline());
    }

    @Test
    void neverApprovesOfflineMoreThanTheSnapshotBalanceLessUnsettled() {
        java.util.Random random = new java.util.Random(0x5_4A95L);
        long balance = 25_00;
        snapshot.balance(PAYER_ADDRESS, balance);
        chain.unavailable(true);
        long approved = 0;
        for (int i = 0; i < 40; i++) {
            long amount = 1 + random.nextInt(4_00);
            Payment outcome = decide(waiting(amount), builder().value(amount).nonce(nonce(1_000 + i)).build());
            if (outcome.status() == PaymentStatus.APPROVED) {
                approved += amount;
            } else {
                // The limits (20.00 a payment, 30.00 a day) never bind here: only the funds can decline.
                assertEquals(DeclineCode.INSUFFICIENT_FUNDS, outcome.declineCode());
                assertTrue(approved + amount > balance, "declined with " + (balance - approved) + " left for " + amount);
            }
            assertTrue(approved <= balance, "approved " + approved + " of a snapshot balance of " + balance);
            assertEquals(approved, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
        }
    }

    // ---- approval --------------------------------------------------------------------------------------

    @Test
    void approvesAValidAuthorizationAndRecordsItDurablyBeforeAnswering() {
        Payment waiting = waiting(450);
        TransferAuthorization authorization = builder().build();

        Payment approved = decide(waiting, authorization);

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertFalse(approved.offline());
        try (SqliteJournal reopened = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT))) {
            Payment stored = reopened.find(waiting.id()).orElseThrow();
            assertEquals(approved, stored);
            assertEquals(SettlementStatus.PENDING, stored.settlement().status());
            assertTrue(reopened.hasSeen(PAYER_ADDRESS, authorization.nonce()));
            assertEquals(450, reopened.unsettledFrom(HEIT, PAYER_ADDRESS));
        }
    }

    @Test
    void marksAnApprovalGivenWhileOfflineAsOffline() {
        chain.unavailable(true);
        Payment waiting = waiting(450);

        Payment approved = decide(waiting, builder().build());

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertTrue(approved.offline());
        assertTrue(journal.find(waiting.id()).orElseThrow().offline());
        assertEquals(450, journal.offlineExposure(HEIT, PAYER_ADDRESS, Fixtures.NOW.minusSeconds(3600)).payerToday());
    }

    @Test
    void decidesOnOfflineRulesWhenTheNodeCannotReadTheTokenButStaysOnline() {
        chain.refusing(true);

        Payment approved = decide(waiting(450), builder().build());
        Payment declined = decide(waiting(20_01), builder().value(20_01).nonce(nonce(9)).build());

        assertTrue(approved.offline(), "a chain that cannot vouch for the payer is no better than no chain");
        assertDeclined(DeclineCode.OFFLINE_LIMIT, declined);
        assertTrue(connectivity.isOnline(), "the node did answer; the network is not the problem");
    }

    @Test
    void doesNotAskTheChainAgainOnceItIsKnownToBeOffline() {
        connectivity.markOffline();
        int before = chain.calls();

        Payment approved = decide(waiting(450), builder().build());

        assertTrue(approved.offline());
        assertEquals(before, chain.calls());
    }

    @Test
    void recordsADeclineInTheJournal() {
        Payment waiting = waiting(450);
        decide(waiting, builder().value(1).build());

        Payment stored = journal.find(waiting.id()).orElseThrow();
        assertEquals(DeclineCode.AMOUNT_MISMATCH, stored.declineCode());
        assertEquals(0, journal.unsettledCount());
    }

    // ---- the checks run in the order of the spec -------------------------------------------------------

    @Nested
    class InSpecOrder {
        @Test
        void wrongMerchantBeatsExpired() {
            TransferAuthorization both = builder().to(Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"))
                    .validAfter(NOW - 7200).validBefore(NOW - 3600).build();

            assertDeclined(DeclineCode.WRONG_MERCHANT, decide(waiting(450), both));
        }

        @Test
        void unknownTokenBeatsWrongMerchant() {
            Token mainnet = new Token("HEIT", 1, HEIT.contract(), HEIT.eip712Name(), "1", 2);
            TransferAuthorization both = builder().domain(mainnet)
                    .to(Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc")).build();

            assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, decide(waiting(450), both));
        }

        @Test
        void amountMismatchBeatsBadSignature() {
            assertDeclined(DeclineCode.AMOUNT_MISMATCH,
                    decide(waiting(450), builder().value(1).signedBy(OTHER_PAYER).build()));
        }

        @Test
        void badSignatureBeatsExpired() {
            TransferAuthorization both = builder().signedBy(OTHER_PAYER).validBefore(NOW + 1).build();

            assertDeclined(DeclineCode.BAD_SIGNATURE, decide(waiting(450), both));
        }

        @Test
        void expiredBeatsReplayed() {
            TransferAuthorization both = builder().validBefore(NOW + 1).build();
            chain.markUsed(PAYER_ADDRESS, both.nonce());

            assertDeclined(DeclineCode.EXPIRED, decide(waiting(450), both));
        }

        @Test
        void replayedBeatsDenied() {
            TransferAuthorization both = builder().build();
            chain.markUsed(PAYER_ADDRESS, both.nonce());
            denyList.deny(PAYER_ADDRESS);

            assertDeclined(DeclineCode.REPLAYED, decide(waiting(450), both));
        }

        @Test
        void deniedBeatsTheOfflineRulesEvenOnAStaleList() {
            chain.unavailable(true);
            denyList.standing(new DenyListStanding.Stale(7, Fixtures.NOW.minus(Duration.ofDays(3)), Duration.ofDays(3)));
            denyList.deny(PAYER_ADDRESS);

            assertDeclined(DeclineCode.DENIED, decide(waiting(450), builder().build()));
        }

        @Test
        void aStaleDenyListBeatsOfflineFunds() {
            chain.unavailable(true);
            snapshot.balance(PAYER_ADDRESS, 0);
            denyList.standing(new DenyListStanding.Stale(7, Fixtures.NOW.minus(Duration.ofDays(3)), Duration.ofDays(3)));

            assertDeclined(DeclineCode.OFFLINE_LIMIT, decide(waiting(450), builder().build()));
        }

        @Test
        void deniedBeatsAPayerTheSnapshotDoesNotKnow() {
            chain.unavailable(true);
            ECKeyPair stranger = Authorizations.key("stranger");
            denyList.deny(Signatures.addressOf(stranger));

            assertDeclined(DeclineCode.DENIED,
                    decide(waiting(450), Authorizations.builder(HEIT, stranger).to(MERCHANT).value(450).build()));
        }

        @Test
        void offlineInsufficientFundsBeatsTheOfflineLimits() {
            chain.unavailable(true);
            snapshot.balance(PAYER_ADDRESS, 5_00);

            assertDeclined(DeclineCode.INSUFFICIENT_FUNDS, decide(waiting(20_01), builder().value(20_01).build()));
        }

        @Test
        void deniedBeatsInsufficientFunds() {
            chain.balance(PAYER_ADDRESS, 0);
            denyList.deny(PAYER_ADDRESS);

            assertDeclined(DeclineCode.DENIED, decide(waiting(450), builder().build()));
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private static Authorizations.Builder builder() {
        return Authorizations.builder(HEIT, PAYER).to(MERCHANT).value(450);
    }

    private static nl.heitje.terminal.domain.Nonce nonce(int n) {
        return Authorizations.nonce("authorizer-" + n);
    }

    private Payment waiting(long units) {
        Payment payment = Payment.waiting(UUID.randomUUID().toString(), "till-" + UUID.randomUUID(),
                new Money(units, HEIT), clock.instant());
        journal.create(payment);
        return payment;
    }

    private Payment decide(Payment waiting, TransferAuthorization authorization) {
        return decide(waiting, Optional.of(authorization));
    }

    private Payment decide(Payment waiting, Optional<TransferAuthorization> authorization) {
        return authorizer.decide(waiting, authorization, PaymentMethod.QR);
    }

    private void assertDeclined(DeclineCode expected, Payment payment) {
        assertEquals(PaymentStatus.DECLINED, payment.status(), () -> "expected a decline " + expected);
        assertEquals(expected, payment.declineCode());
        assertEquals(expected, journal.find(payment.id()).orElseThrow().declineCode(), "journal disagrees");
    }
}
