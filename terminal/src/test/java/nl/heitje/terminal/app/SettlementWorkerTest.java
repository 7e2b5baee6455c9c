// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.Consumption;
import nl.heitje.terminal.port.SettlementChain.Fees;
import nl.heitje.terminal.port.SettlementChain.Transfer;
import nl.heitje.terminal.port.SettlementChain.Verdict;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

class SettlementWorkerTest {
    private static final ECKeyPair PAYER = Authorizations.key("dirk");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);

    @TempDir
    Path dir;
    private SqliteJournal journal;
    private final FakeSettlementChain chain = new FakeSettlementChain();
    private final FakeChainReader reader = new FakeChainReader();
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final Connectivity connectivity = new Connectivity(reader, clock);
    private int payments;
    private final Map<String, TransferAuthorization> authorizations = new HashMap<>();

    @BeforeEach
    void open() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        connectivity.markOnline();
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void settlesABatchAndRecordsItsTransaction() {
        Payment first = approved("a", 100);
        Payment second = approved("b", 200);

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        assertEquals(1, chain.signed.size());
        assertEquals(2, chain.signed.get(0).size(), "both redemptions go in one batch");
        String hash = chain.hashes.get(0);
        for (Payment payment : List.of(first, second)) {
            Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
            assertEquals(SettlementStatus.SETTLED, settlement.status());
            assertEquals(hash, settlement.txHash());
        }
        assertEquals(0, journal.unsettledCount());
        assertEquals(SettlementWorker.Round.IDLE, worker().runOnce());
    }

    @Test
    void keepsBatchesWithinTheChainsLimit() {
        chain.maxBatchSize = 1;
        approved("a", 100);
        approved("b", 200);

        SettlementWorker worker = worker();
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());
        assertEquals(1, journal.unsettledCount());
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(List.of(1, 1), chain.signed.stream().map(List::size).toList());
        assertEquals(0, journal.unsettledCount());
    }

    @Test
    void rebroadcastsTheSameTransactionAfterACrashBetweenPersistAndBroadcast() {
        Payment payment = approved("crash", 450);
        chain.crashBeforeNextBroadcast = true;

        assertThrows(SimulatedCrash.class, () -> worker().runOnce());
        assertEquals(List.of(), chain.broadcasts, "the crash came before anything left the machine");

        // A restart: a new process opens the same journal file.
        journal.close();
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        SettlementWorker restarted = worker();

        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, restarted.runOnce());
        assertEquals(SettlementWorker.Round.COMPLETED, restarted.runOnce());

        assertEquals(1, chain.signed.size(), "a batch once persisted is never signed anew");
        assertEquals(List.of(chain.raws.get(0)), chain.broadcasts);
        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.SETTLED, settlement.status());
        assertEquals(chain.hashes.get(0), settlement.txHash());
        assertEquals(1, chain.timesUsedOnChain(authorizationOf(payment)));
        assertEquals(SettlementWorker.Round.IDLE, restarted.runOnce());
    }

    @Test
    void failsAnItemTheContractRefusesForGoodWithTheContractsReason() {
        Payment good = approved("good", 100);
        Payment late = approved("late", 200);
        TransferAuthorization expired = authorizationOf(late);
        chain.skippedByContract.add(expired.nonce());
        chain.verdicts.put(expired.nonce(), new Verdict(Verdict.Kind.NEVER, "AuthorizationExpired"));

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        assertEquals(SettlementStatus.SETTLED, journal.find(good.id()).orElseThrow().settlement().status());
        Payment.Settlement failed = journal.find(late.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, failed.status());
        assertEquals("AuthorizationExpired", failed.reason());
        assertEquals(List.of(), journal.pending(10, DUE), "a refused authorization is not retried");
        assertFalse(journal.isBlocked(PAYER_ADDRESS), "an expiry is not the payer's doing");
    }

    @Test
    void retriesAnItemTheBatchSkippedButTheContractWouldNowAccept() {
        Payment skipped = approved("skipped", 100);
        chain.skippedByContract.add(authorizationOf(skipped).nonce());

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        assertEquals(SettlementStatus.PENDING, journal.find(skipped.id()).orElseThrow().settlement().status());
        assertEquals(1, journal.pending(10, DUE).get(0).attempts());
        assertEquals(List.of(), journal.pending(10, clock.instant()), "not due again before its backoff");
    }

    @Test
    void keepsRetryingUntilTheChainShowsItCanNeverSettle() {
        Payment stubborn = approved("stubborn", 100);
        chain.skippedByContract.add(authorizationOf(stubborn).nonce());
        SettlementWorker worker = worker();

        for (int round = 0; round < 6; round++) {
            worker.runOnce();
            clock.advance(Duration.ofHours(1));
        }
        assertEquals(SettlementStatus.PENDING, journal.find(stubborn.id()).orElseThrow().settlement().status(),
                "batches that did not run write nothing off");

        chain.verdicts.put(authorizationOf(stubborn).nonce(), new Verdict(Verdict.Kind.NEVER, "AuthorizationExpired"));
        worker.runOnce();
        assertEquals(SettlementStatus.FAILED, journal.find(stubborn.id()).orElseThrow().settlement().status());
    }

    @Test
    void aNodeErrorNeverWritesAnAuthorizationOff() {
        Payment payment = approved("rate-limited", 100);
        chain.skippedByContract.add(authorizationOf(payment).nonce());
        chain.refusedLookups.add(authorizationOf(payment).nonce());

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.PENDING, settlement.status());
        assertTrue(settlement.reason().contains("node refused"), settlement.reason());
    }

    @Test
    void oneItemTheNodeCannotAnswerForHoldsUpNoOther() {
        Payment troubled = approved("troubled", 100);
        Payment fine = approved("fine", 200);
        chain.skippedByContract.add(authorizationOf(troubled).nonce());
        chain.skippedByContract.add(authorizationOf(fine).nonce());
        SettlementWorker worker = worker();
        worker.runOnce();
        chain.skippedByContract.clear();
        chain.refusedLookups.add(authorizationOf(troubled).nonce());
        clock.advance(Duration.ofMinutes(1));

        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(SettlementStatus.SETTLED, journal.find(fine.id()).orElseThrow().settlement().status());
        assertEquals(SettlementStatus.PENDING, journal.find(troubled.id()).orElseThrow().settlement().status());
    }

    @Test
    void aPayerWhoSpendsTheNonceOnAnotherTransferIsFailedAndDeclinedFromThenOn() {
        Payment payment = approved("reused", 450);
        chain.reusedByPayer.put(authorizationOf(payment).nonce(), "0xpayers");

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, settlement.status());
        assertEquals("nonce used by the payer for another transfer in 0xpayers", settlement.reason());
        assertTrue(journal.isBlocked(PAYER_ADDRESS));
        assertEquals(PAYER_ADDRESS, journal.blockedPayers().get(0).payer());
    }

    @Test
    void aPayerWhoseBalanceIsShortIsRetriedAndDeclinedFromThenOn() {
        Payment payment = approved("moved-away", 450);
        chain.skippedByContract.add(authorizationOf(payment).nonce());
        chain.verdicts.put(authorizationOf(payment).nonce(),
                new Verdict(Verdict.Kind.SHORT_OF_FUNDS, "ERC20InsufficientBalance"));

        worker().runOnce();

        assertEquals(SettlementStatus.PENDING, journal.find(payment.id()).orElseThrow().settlement().status(),
                "the money may still come back before the authorization expires");
        assertTrue(journal.isBlocked(PAYER_ADDRESS));
    }

    @Test
    void asksAboutAPayerWhoStaysShortLessAndLessOften() {
        Payment payment = approved("still-short", 450);
        chain.skippedByContract.add(authorizationOf(payment).nonce());
        chain.verdicts.put(authorizationOf(payment).nonce(), new Verdict(Verdict.Kind.SHORT_OF_FUNDS, "ERC20InsufficientBalance"));
        SettlementWorker worker = worker();
        worker.runOnce(); // in a batch, skipped: attempt 1, due again after 5 s
        clock.advance(Duration.ofSeconds(4));
        assertEquals(List.of(), journal.pending(10, clock.instant()));
        clock.advance(Duration.ofSeconds(1));

        worker.runOnce(); // looked at, still short: attempt 2, due again after twice as long
        clock.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), journal.pending(10, clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, journal.pending(10, clock.instant()).get(0).attempts());
        assertEquals(1, chain.signed.size(), "a payer still short is not put in another batch");
    }

    @Test
    void sendsNothingToANodeWhoseIdentityDidNotCheckOut() {
        Payment payment = approved("untrusted", 100);
        boolean[] trusted = {false};
        SettlementWorker worker = new SettlementWorker(journal, chain, connectivity, new SettlementWorker.Policy(10, 0,
                REPLACE_AFTER, FEE_CAP, Duration.ofSeconds(5)), clock, () -> trusted[0]);

        assertEquals(SettlementWorker.Round.UNTRUSTED_NODE, worker.runOnce());
        assertEquals(0, chain.signed.size());
        assertEquals(SettlementStatus.PENDING, journal.find(payment.id()).orElseThrow().settlement().status());

        trusted[0] = true;
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());
        assertEquals(SettlementStatus.SETTLED, journal.find(payment.id()).orElseThrow().settlement().status());
    }

    @Test
    void goesOfflineWhenTheChainCannotBeReached() {
        Payment payment = approved("offline", 100);
        chain.unreachable = true;

        assertEquals(SettlementWorker.Round.OFFLINE, worker().runOnce());

        assertFalse(connectivity.isOnline());
        assertEquals(SettlementStatus.PENDING, journal.find(payment.id()).orElseThrow().settlement().status());
        assertEquals(List.of(), journal.inFlight());
        // Once offline it does not even try until connectivity is back.
        chain.unreachable = false;
        assertEquals(SettlementWorker.Round.OFFLINE, worker().runOnce());
        assertEquals(0, chain.signed.size());
    }

    @Test
    void decidesATransactionReplacedByAStrangerByWhatTheChainRecordsPerAuthorization() {
        Payment usedElsewhere = approved("used", 100);
        Payment notUsed = approved("unused", 200);
        chain.mineOnBroadcast = false;
        SettlementWorker worker = worker();
        assertEquals(SettlementWorker.Round.SUBMITTED, worker.runOnce());

        // Another transaction took our account nonce; one authorization made it on chain some other way.
        chain.minedAccountNonce = chain.accountNonces.get(0) + 1;
        chain.relayedElsewhere.put(authorizationOf(usedElsewhere).nonce(), "0xrelayer");

        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, "0xrelayer", null),
                journal.find(usedElsewhere.id()).orElseThrow().settlement());
        Payment.Settlement retried = journal.find(notUsed.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.PENDING, retried.status());
        assertNull(retried.txHash());
        assertEquals(1, journal.pending(10, DUE).size());
        assertEquals(1, journal.pending(10, DUE).get(0).attempts());
        assertEquals(List.of(), journal.inFlight());
    }

    @Test
    void doesNotResubmitAnAuthorizationThatSomeoneElseSettledMeanwhile() {
        Payment payment = approved("relayed", 100);
        chain.skippedByContract.add(authorizationOf(payment).nonce());
        SettlementWorker worker = worker();
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());
        assertEquals(1, journal.pending(10, DUE).get(0).attempts(), "skipped once, so due for another batch");

        chain.relayedElsewhere.put(authorizationOf(payment).nonce(), "0xrelayer");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(1, chain.signed.size(), "checked on chain before resubmitting, and not resubmitted");
        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, "0xrelayer", null),
                journal.find(payment.id()).orElseThrow().settlement());
        assertEquals(SettlementWorker.Round.IDLE, worker.runOnce());
    }

    @Test
    void failsAnAuthorizationItsPayerCancelledBeforeOurBatchRanAndDeclinesThePayer() {
        Payment payment = approved("cancelled", 100);
        chain.cancelledByPayer.put(authorizationOf(payment).nonce(), "0xcancel");

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, settlement.status());
        assertEquals("cancelled by the payer in 0xcancel", settlement.reason());
        assertEquals(List.of(), journal.pending(10, DUE));
        assertTrue(journal.isBlocked(PAYER_ADDRESS));
    }

    /**
     * A node's log index may trail its state (geth and anvil both serve {@code eth_getLogs} a moment behind the
     * head they report): the nonce shows spent, by us, before the log that proves it is served. That is no
     * verdict: an innocent payer must not be failed and blocked for a node's lag.
     */
    @Test
    void aSpentNonceWhoseLogTheNodeDoesNotServeYetIsLookedAtAgainNotFailed() {
        Payment payment = approved("lagging-logs", 100);
        chain.spentWithoutLogs.add(authorizationOf(payment).nonce());

        worker().runOnce();

        Payment.Settlement waiting = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.PENDING, waiting.status(), waiting.toString());
        assertFalse(journal.isBlocked(PAYER_ADDRESS));

        chain.spentWithoutLogs.clear();
        chain.relayedElsewhere.put(authorizationOf(payment).nonce(), "0xours");
        clock.advance(Duration.ofMinutes(11));
        worker().runOnce();

        assertEquals(1, chain.signed.size(), "a spent authorization is never sent again");
        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, "0xours", null),
                journal.find(payment.id()).orElseThrow().settlement());
    }

    /** Once it can no longer be used by anyone, a spent nonce with no transfer to us in sight is a failure. */
    @Test
    void aSpentNonceStillUntraceablePastItsValidityFailsAndBlocksThePayer() {
        Payment payment = approved("spent-before-approval", 100, Fixtures.NOW.plus(Duration.ofHours(1))
                .getEpochSecond());
        chain.spentWithoutLogs.add(authorizationOf(payment).nonce());
        worker().runOnce();
        assertEquals(SettlementStatus.PENDING, journal.find(payment.id()).orElseThrow().settlement().status());

        clock.advance(Duration.ofHours(2));
        worker().runOnce();

        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, settlement.status());
        assertTrue(settlement.reason().startsWith("nonce spent on chain; no transfer to this merchant found"),
                settlement.reason());
        assertTrue(journal.isBlocked(PAYER_ADDRESS));
    }

    @Test
    void waitsForTheReceiptWithoutSigningAgainUntilItIsOverdue() {
        approved("slow", 100);
        chain.mineOnBroadcast = false;
        SettlementWorker worker = worker();

        assertEquals(SettlementWorker.Round.SUBMITTED, worker.runOnce());
        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());

        assertEquals(1, chain.signed.size());
        assertEquals(1, journal.inFlight().size());
        assertTrue(chain.broadcasts.stream().allMatch(chain.raws.get(0)::equals));
    }

    @Test
    void replacesAStuckTransactionAtTheSameNonceWithHigherFeesAndSettlesOnce() {
        Payment payment = approved("stuck", 100);
        chain.mineOnBroadcast = false;
        SettlementWorker worker = worker();
        worker.runOnce();
        Fees first = chain.feesSigned.get(0);

        clock.advance(REPLACE_AFTER);
        chain.mineOnBroadcast = true;
        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(2, chain.signed.size());
        assertEquals(chain.accountNonces.get(0), chain.accountNonces.get(1), "a replacement, not a second transaction");
        assertTrue(chain.feesSigned.get(1).maxFeePerGas().compareTo(first.maxFeePerGas()) > 0);
        assertTrue(chain.feesSigned.get(1).maxPriorityFeePerGas().compareTo(first.maxPriorityFeePerGas()) > 0);
        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.SETTLED, settlement.status());
        assertEquals(chain.hashes.get(1), settlement.txHash());
        assertEquals(1, chain.timesUsedOnChain(authorizationOf(payment)));
    }

    @Test
    void neverBidsAboveTheFeeCapAndSaysSo() {
        approved("capped", 100);
        chain.mineOnBroadcast = false;
        chain.suggested = new Fees(FEE_CAP.multiply(BigInteger.TEN), FEE_CAP);
        SettlementWorker worker = worker();
        worker.runOnce();
        clock.advance(REPLACE_AFTER);

        worker.runOnce();

        assertEquals(1, chain.signed.size(), "at the cap there is nothing higher to bid");
        assertEquals(FEE_CAP, chain.feesSigned.get(0).maxFeePerGas());
        assertTrue(worker.isStuckAtFeeCap());
    }

    @Test
    void countsASettlementOnlyOnceItHasItsConfirmations() {
        Payment payment = approved("deep", 100);
        SettlementWorker worker = worker(3);

        assertEquals(SettlementWorker.Round.SUBMITTED, worker.runOnce());
        assertEquals(SettlementStatus.SUBMITTED, journal.find(payment.id()).orElseThrow().settlement().status());
        chain.head += 1;
        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());
        chain.head += 1;
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(SettlementStatus.SETTLED, journal.find(payment.id()).orElseThrow().settlement().status());
    }

    @Test
    void aReorgThatDropsOurTransactionSendsTheSameBytesAgainAndSettlesOnce() {
        Payment payment = approved("reorged", 100);
        SettlementWorker worker = worker(2);
        worker.runOnce();
        String hash = chain.hashes.get(0);

        chain.reorgOut(hash);
        chain.mineOnBroadcast = false;
        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());
        assertEquals(SettlementStatus.SUBMITTED, journal.find(payment.id()).orElseThrow().settlement().status());
        chain.mineOnBroadcast = true;
        worker.runOnce();
        chain.head += 1;
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(1, chain.signed.size(), "the same transaction, never a second one");
        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, hash, null),
                journal.find(payment.id()).orElseThrow().settlement());
        assertEquals(1, chain.timesUsedOnChain(authorizationOf(payment)));
    }

    @Test
    void settlesTheAuthorizationNearestItsDeadlineFirst() {
        chain.maxBatchSize = 1;
        Payment relaxed = approved("relaxed", 100, Fixtures.NOW.plus(Duration.ofDays(3)).getEpochSecond());
        Payment urgent = approved("urgent", 200, Fixtures.NOW.plus(Duration.ofHours(1)).getEpochSecond());

        worker().runOnce();

        assertEquals(SettlementStatus.SETTLED, journal.find(urgent.id()).orElseThrow().settlement().status());
        assertEquals(SettlementStatus.PENDING, journal.find(relaxed.id()).orElseThrow().settlement().status());
    }

    // ---- purses on two chains ----------------------------------------------------------------------------

    /** A purse on a chain of its own, with its own node and its own settlement worker. */
    private static final nl.heitje.terminal.domain.Token ROOS = new nl.heitje.terminal.domain.Token("ROOS", 4242,
            Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "Roosendaalse Roos", "1", 2);

    @Test
    void aChainThatCannotBeReachedLeavesTheOtherChainSettling() {
        twoChains();
        FakeSettlementChain roosChain = new FakeSettlementChain();
        Connectivity roosConnectivity = new Connectivity(new FakeChainReader(), clock);
        roosConnectivity.markOnline();
        Payment heit = approved("heit", 100);
        Payment roos = approved(ROOS, "roos", 200);
        SettlementWorker heitWorker = worker(HEIT.chainId(), chain, connectivity);
        SettlementWorker roosWorker = worker(ROOS.chainId(), roosChain, roosConnectivity);
        roosChain.unreachable = true;

        assertEquals(SettlementWorker.Round.OFFLINE, roosWorker.runOnce());
        assertEquals(SettlementWorker.Round.COMPLETED, heitWorker.runOnce());

        assertEquals(List.of(List.of(authorizationOf(heit))), chain.signed, "only its own chain's redemption");
        assertEquals(SettlementStatus.SETTLED, journal.find(heit.id()).orElseThrow().settlement().status());
        assertEquals(SettlementStatus.PENDING, journal.find(roos.id()).orElseThrow().settlement().status());
        assertTrue(connectivity.isOnline(), "the other chain going offline is not this one going offline");
        assertFalse(roosConnectivity.isOnline());
        assertEquals(0, journal.unsettledCount(HEIT.chainId()));
        assertEquals(1, journal.unsettledCount(ROOS.chainId()));

        roosChain.unreachable = false;
        roosConnectivity.markOnline();
        assertEquals(SettlementWorker.Round.COMPLETED, roosWorker.runOnce());
        assertEquals(List.of(List.of(authorizationOf(roos))), roosChain.signed);
        assertEquals(SettlementStatus.SETTLED, journal.find(roos.id()).orElseThrow().settlement().status());
        assertEquals(SettlementWorker.Round.IDLE, heitWorker.runOnce());
    }

    @Test
    void aBatchInFlightOnOneChainIsNeitherSeenNorSentAgainByTheOther() {
        twoChains();
        FakeSettlementChain roosChain = new FakeSettlementChain();
        roosChain.mineOnBroadcast = false;
        Connectivity roosConnectivity = new Connectivity(new FakeChainReader(), clock);
        roosConnectivity.markOnline();
        approved(ROOS, "roos", 200);
        Payment heit = approved("heit", 100);
        SettlementWorker heitWorker = worker(HEIT.chainId(), chain, connectivity);
        SettlementWorker roosWorker = worker(ROOS.chainId(), roosChain, roosConnectivity);

        assertEquals(SettlementWorker.Round.SUBMITTED, roosWorker.runOnce());
        // With one queue for both chains this round would first look for the other chain's receipt on this node.
        assertEquals(SettlementWorker.Round.COMPLETED, heitWorker.runOnce());
        clock.advance(REPLACE_AFTER.plusSeconds(1));
        assertEquals(SettlementWorker.Round.IDLE, heitWorker.runOnce());

        assertEquals(SettlementStatus.SETTLED, journal.find(heit.id()).orElseThrow().settlement().status());
        assertTrue(chain.broadcasts.stream().noneMatch(roosChain.raws::contains),
                "the other chain's transaction never went to this chain's node");
        assertEquals(1, journal.settlementQueue(ROOS.chainId()).inFlight().size());
        assertEquals(List.of(), journal.settlementQueue(HEIT.chainId()).inFlight());
    }

    @Test
    void aVoidWhileTheRoundBuildsItsBatchKeepsTheVoidedRedemptionOffTheChain() {
        Payment kept = approved("kept", 100);
        Payment voided = approved("voided", 200);
        // The manager's void lands after the round read what is pending and before it records its batch.
        chain.beforeSign = () -> {
            chain.beforeSign = null;
            assertTrue(journal.voidApproved(voided.id(), "keyed twice", clock.instant()));
        };
        SettlementWorker worker = worker();

        worker.runOnce();
        worker.runOnce();

        for (String raw : chain.broadcasts) {
            assertFalse(chain.byRaw.get(raw).contains(authorizationOf(voided)), "the voided redemption was sent");
        }
        assertEquals(0, chain.timesUsedOnChain(authorizationOf(voided)));
        assertEquals(SettlementStatus.SETTLED, journal.find(kept.id()).orElseThrow().settlement().status());
        assertEquals(nl.heitje.terminal.domain.PaymentStatus.VOIDED, journal.find(voided.id()).orElseThrow().status());
        assertEquals(0, journal.unsettledCount());
        assertEquals(SettlementWorker.Round.IDLE, worker.runOnce());
    }

    @Test
    void aVoidAfterTheBatchWasRecordedIsRefusedAndTheRedemptionSettles() {
        Payment payment = approved("late", 100);
        chain.mineOnBroadcast = false;
        worker().runOnce();

        assertFalse(journal.voidApproved(payment.id(), "too late", clock.instant()));
        assertEquals(SettlementStatus.SUBMITTED, journal.find(payment.id()).orElseThrow().settlement().status());
    }

    @Test
    void aRedemptionBroadcastOnceAndBackToPendingCannotBeVoided() {
        Payment payment = approved("retried", 100);
        TransferAuthorization authorization = authorizationOf(payment);
        chain.skippedByContract.add(authorization.nonce());
        chain.verdicts.put(authorization.nonce(), new Verdict(Verdict.Kind.NOT_NOW, "not yet valid"));
        worker().runOnce();
        assertEquals(SettlementStatus.PENDING, journal.find(payment.id()).orElseThrow().settlement().status(),
                "back to pending after a try");

        assertFalse(journal.voidApproved(payment.id(), "after a broadcast", clock.instant()),
                "its authorization was broadcast and may still be relayed by anyone");
    }

    private void twoChains() {
        journal.close();
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT, ROOS));
    }

    private SettlementWorker worker(long chainId, FakeSettlementChain on, Connectivity reached) {
        return new SettlementWorker(journal.settlementQueue(chainId), on, reached, new SettlementWorker.Policy(10, 0,
                REPLACE_AFTER, FEE_CAP, Duration.ofSeconds(5)), clock);
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private static final Instant DUE = Fixtures.NOW.plus(Duration.ofDays(365));
    private static final Duration REPLACE_AFTER = Duration.ofMinutes(2);
    private static final BigInteger FEE_CAP = BigInteger.valueOf(200_000_000_000L);

    private SettlementWorker worker() {
        return worker(0);
    }

    private SettlementWorker worker(int confirmations) {
        return new SettlementWorker(journal, chain, connectivity, new SettlementWorker.Policy(10, confirmations,
                REPLACE_AFTER, FEE_CAP, Duration.ofSeconds(5)), clock);
    }

    private Payment approved(String nonce, long units) {
        return approved(nonce, units, Fixtures.NOW.plus(Duration.ofDays(1)).getEpochSecond());
    }

    private Payment approved(String nonce, long units, long validBefore) {
        return approved(HEIT, nonce, units, validBefore);
    }

    private Payment approved(nl.heitje.terminal.domain.Token token, String nonce, long units) {
        return approved(token, nonce, units, Fixtures.NOW.plus(Duration.ofDays(1)).getEpochSecond());
    }

    private Payment approved(nl.heitje.terminal.domain.Token token, String nonce, long units, long validBefore) {
        Instant at = Fixtures.NOW;
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(units, token), at);
        journal.create(waiting);
        TransferAuthorization authorization = Authorizations.builder(token, PAYER).value(units).validBefore(validBefore)
                .nonce(Authorizations.nonce("settle-" + nonce)).build();
        Payment approved = waiting.approve(token, PAYER_ADDRESS, PaymentMethod.QR, false, at);
        journal.approve(approved, new Redemption(waiting.id(), token, authorization, PaymentMethod.QR, false, at, 1));
        authorizations.put(approved.id(), authorization);
        return approved;
    }

    private TransferAuthorization authorizationOf(Payment payment) {
        return authorizations.get(payment.id());
    }

    /** The process dying: an error no layer catches. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("power cut");
        }
    }

    /**
     * A chain with one settlement account: it signs deterministic transactions, mines what it is sent (unless told
     * not to) into a new block, runs each authorization at most once as the token contract does, and can be made to
     * reorganise, refuse lookups, or show a payer's own uses of their nonces.
     */
    final class FakeSettlementChain implements SettlementChain {
        int maxBatchSize = 10;
        /** Runs as a batch is about to be signed: between the round's read of what is pending and its record. */
        Runnable beforeSign;
        boolean crashBeforeNextBroadcast;
        boolean unreachable;
        boolean mineOnBroadcast = true;
        long minedAccountNonce;
        long head = 100;
        Fees suggested = new Fees(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(1_000_000_000L));
        final List<List<TransferAuthorization>> signed = new ArrayList<>();
        final List<String> hashes = new ArrayList<>();
        final List<String> raws = new ArrayList<>();
        final List<Long> accountNonces = new ArrayList<>();
        final List<Fees> feesSigned = new ArrayList<>();
        final List<String> broadcasts = new ArrayList<>();
        final Set<Nonce> skippedByContract = new HashSet<>();
        final Map<Nonce, Verdict> verdicts = new HashMap<>();
        final Set<Nonce> refusedLookups = new HashSet<>();
        /** Authorizations another relayer settled, by the hash of its transaction. */
        final Map<Nonce, String> relayedElsewhere = new HashMap<>();
        /** Nonces the payer spent on a transfer to someone else, by the hash of that transaction. */
        final Map<Nonce, String> reusedByPayer = new HashMap<>();
        /** Authorizations the chain shows spent, whose logs the node does not (yet) serve. */
        final java.util.Set<Nonce> spentWithoutLogs = new java.util.HashSet<>();
        /** Authorizations their payer cancelled, by the hash of the cancelling transaction. */
        final Map<Nonce, String> cancelledByPayer = new HashMap<>();
        private final Map<String, List<TransferAuthorization>> byRaw = new HashMap<>();
        private final Map<String, Receipt> receipts = new HashMap<>();
        private final Map<Nonce, String> usedOnChainBy = new HashMap<>();
        private final Map<Nonce, Integer> timesUsed = new HashMap<>();
        private long nextAccountNonce;

        @Override
        public int maxBatchSize() {
            reachable();
            return maxBatchSize;
        }

        @Override
        public long nextAccountNonce() {
            reachable();
            return nextAccountNonce;
        }

        @Override
        public Fees suggestedFees() {
            reachable();
            return suggested;
        }

        @Override
        public SignedTransaction sign(List<TransferAuthorization> authorizations, long accountNonce, Fees fees) {
            reachable();
            if (beforeSign != null) {
                beforeSign.run();
            }
            nextAccountNonce = Math.max(nextAccountNonce, accountNonce + 1);
            String raw = "0x02raw" + accountNonce + "-" + fees.maxFeePerGas() + "-" + authorizations.hashCode();
            String hash = "0x" + String.format("%064x", raw.hashCode() & 0xffffffffL);
            signed.add(List.copyOf(authorizations));
            hashes.add(hash);
            raws.add(raw);
            accountNonces.add(accountNonce);
            feesSigned.add(fees);
            byRaw.put(raw, List.copyOf(authorizations));
            return new SignedTransaction(hash, raw, accountNonce, fees);
        }

        @Override
        public void broadcast(String rawTransaction) {
            if (crashBeforeNextBroadcast) {
                crashBeforeNextBroadcast = false;
                throw new SimulatedCrash();
            }
            reachable();
            broadcasts.add(rawTransaction);
            int index = raws.indexOf(rawTransaction);
            String hash = hashes.get(index);
            long accountNonce = accountNonces.get(index);
            if (mineOnBroadcast && !receipts.containsKey(hash) && minedAccountNonce <= accountNonce) {
                List<Consumption> consumed = new ArrayList<>();
                for (TransferAuthorization a : byRaw.get(rawTransaction)) {
                    Nonce nonce = a.nonce();
                    if (!skippedByContract.contains(nonce) && !usedOnChainBy.containsKey(nonce)
                            && !relayedElsewhere.containsKey(nonce) && !cancelledByPayer.containsKey(nonce)
                            && !reusedByPayer.containsKey(nonce) && !spentWithoutLogs.contains(nonce)) {
                        consumed.add(paying(a));
                        usedOnChainBy.put(nonce, hash);
                        timesUsed.merge(nonce, 1, Integer::sum);
                    }
                }
                head += 1;
                receipts.put(hash, new Receipt(hash, true, 50_000, head, consumed));
                minedAccountNonce = accountNonce + 1;
            }
        }

        /** A reorg drops the block with this transaction: its effects vanish, the account nonce is free again. */
        void reorgOut(String hash) {
            Receipt gone = receipts.remove(hash);
            for (Consumption consumed : gone.consumed()) {
                usedOnChainBy.remove(consumed.nonce());
                timesUsed.merge(consumed.nonce(), -1, Integer::sum);
            }
            minedAccountNonce -= 1;
        }

        @Override
        public Optional<Receipt> receipt(String txHash) {
            reachable();
            return Optional.ofNullable(receipts.get(txHash));
        }

        @Override
        public long minedAccountNonce() {
            reachable();
            return minedAccountNonce;
        }

        @Override
        public long headBlock() {
            reachable();
            return head;
        }

        @Override
        public Verdict verdict(TransferAuthorization authorization) {
            reachable();
            refuseIfAsked(authorization);
            if (usedOnChainBy.containsKey(authorization.nonce())) {
                return new Verdict(Verdict.Kind.SPENT, "AuthorizationAlreadyUsed");
            }
            return verdicts.getOrDefault(authorization.nonce(), Verdict.SETTLEABLE);
        }

        @Override
        public Fate fate(TransferAuthorization authorization, long fromBlock) {
            reachable();
            refuseIfAsked(authorization);
            Nonce nonce = authorization.nonce();
            if (relayedElsewhere.containsKey(nonce)) {
                return used(relayedElsewhere.get(nonce), paying(authorization));
            }
            if (reusedByPayer.containsKey(nonce)) {
                Address elsewhere = Address.parse("0x000000000000000000000000000000000000dead");
                return used(reusedByPayer.get(nonce), new Consumption(authorization.token(), authorization.from(), nonce,
                        Optional.of(new Transfer(authorization.from(), elsewhere, BigInteger.ONE))));
            }
            if (cancelledByPayer.containsKey(nonce)) {
                return new Fate(Fate.State.CANCELLED, cancelledByPayer.get(nonce), head, Optional.empty());
            }
            if (spentWithoutLogs.contains(nonce)) {
                return new Fate(Fate.State.USED_UNTRACEABLE, null, -1, Optional.empty());
            }
            return usedOnChainBy.containsKey(nonce)
                    ? used(usedOnChainBy.get(nonce), paying(authorization)) : Fate.unused();
        }

        private Fate used(String txHash, Consumption consumption) {
            return new Fate(Fate.State.USED, txHash, head, Optional.of(consumption));
        }

        private Consumption paying(TransferAuthorization a) {
            return new Consumption(a.token(), a.from(), a.nonce(),
                    Optional.of(new Transfer(a.from(), a.to(), a.value())));
        }

        int timesUsedOnChain(TransferAuthorization authorization) {
            return timesUsed.getOrDefault(authorization.nonce(), 0);
        }

        private void refuseIfAsked(TransferAuthorization authorization) {
            if (refusedLookups.contains(authorization.nonce())) {
                throw new ChainRejectedException("rate limited");
            }
        }

        private void reachable() {
            if (unreachable) {
                throw new ChainUnavailableException("fake settlement chain switched off", null);
            }
        }
    }
}
