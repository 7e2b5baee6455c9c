package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain;
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
    private final Connectivity connectivity = new Connectivity(reader, new MutableClock(Fixtures.NOW));
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
    void failsAnItemTheContractRefusesWithTheContractsReason() {
        Payment good = approved("good", 100);
        Payment late = approved("late", 200);
        TransferAuthorization expired = authorizationOf(late);
        chain.skippedByContract.add(expired.nonce());
        chain.whyNot.put(expired.nonce(), "AuthorizationExpired");

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        assertEquals(SettlementStatus.SETTLED, journal.find(good.id()).orElseThrow().settlement().status());
        Payment.Settlement failed = journal.find(late.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, failed.status());
        assertEquals("AuthorizationExpired", failed.reason());
        assertEquals(List.of(), journal.pending(10), "a refused authorization is not retried");
    }

    @Test
    void retriesAnItemTheBatchSkippedButTheContractWouldNowAccept() {
        Payment skipped = approved("skipped", 100);
        chain.skippedByContract.add(authorizationOf(skipped).nonce());

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        assertEquals(SettlementStatus.PENDING, journal.find(skipped.id()).orElseThrow().settlement().status());
        assertEquals(1, journal.pending(10).get(0).attempts());
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        Payment stubborn = approved("stubborn", 100);
        chain.skippedByContract.add(authorizationOf(stubborn).nonce());
        SettlementWorker worker = worker();

        for (int round = 0; round < SettlementWorker.MAX_ATTEMPTS; round++) {
            assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());
        }

        assertEquals(SettlementStatus.FAILED, journal.find(stubborn.id()).orElseThrow().settlement().status());
        assertEquals(SettlementWorker.MAX_ATTEMPTS, chain.signed.size());
        assertEquals(SettlementWorker.Round.IDLE, worker.runOnce());
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
    void decidesAReplacedTransactionByWhatTheChainRecordsPerAuthorization() {
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
        assertEquals(1, journal.pending(10).size());
        assertEquals(1, journal.pending(10).get(0).attempts());
        assertEquals(List.of(), journal.inFlight());
    }

    @Test
    void doesNotResubmitAnAuthorizationThatSomeoneElseSettledMeanwhile() {
        Payment payment = approved("relayed", 100);
        chain.skippedByContract.add(authorizationOf(payment).nonce());
        SettlementWorker worker = worker();
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());
        assertEquals(1, journal.pending(10).get(0).attempts(), "skipped once, so due for another batch");

        chain.relayedElsewhere.put(authorizationOf(payment).nonce(), "0xrelayer");
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(1, chain.signed.size(), "checked on chain before resubmitting, and not resubmitted");
        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, "0xrelayer", null),
                journal.find(payment.id()).orElseThrow().settlement());
        assertEquals(SettlementWorker.Round.IDLE, worker.runOnce());
    }

    @Test
    void failsAnAuthorizationItsPayerCancelledBeforeOurBatchRan() {
        Payment payment = approved("cancelled", 100);
        chain.cancelledByPayer.put(authorizationOf(payment).nonce(), "0xcancel");

        assertEquals(SettlementWorker.Round.COMPLETED, worker().runOnce());

        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, settlement.status());
        assertEquals("cancelled by the payer in 0xcancel", settlement.reason());
        assertEquals(List.of(), journal.pending(10));
    }

    @Test
    void waitsForTheReceiptWithoutSigningAgain() {
        approved("slow", 100);
        chain.mineOnBroadcast = false;
        SettlementWorker worker = worker();

        assertEquals(SettlementWorker.Round.SUBMITTED, worker.runOnce());
        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());

        assertEquals(1, chain.signed.size());
        assertEquals(1, journal.inFlight().size());
        assertTrue(chain.broadcasts.stream().allMatch(chain.raws.get(0)::equals));
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private SettlementWorker worker() {
        return new SettlementWorker(journal, chain, connectivity, 10);
    }

    private Payment approved(String nonce, long units) {
        Instant at = Fixtures.NOW;
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(units, HEIT), at);
        journal.create(waiting);
        TransferAuthorization authorization = Authorizations.builder(HEIT, PAYER).value(units)
                .nonce(Authorizations.nonce("settle-" + nonce)).build();
        Payment approved = waiting.approve(PAYER_ADDRESS, PaymentMethod.QR, false, at);
        journal.approve(approved, new Redemption(waiting.id(), HEIT, authorization, PaymentMethod.QR, false, at));
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
     * not to), and runs each authorization at most once, as the token contract does.
     */
    final class FakeSettlementChain implements SettlementChain {
        int maxBatchSize = 10;
        boolean crashBeforeNextBroadcast;
        boolean unreachable;
        boolean mineOnBroadcast = true;
        long minedAccountNonce;
        final List<List<TransferAuthorization>> signed = new ArrayList<>();
        final List<String> hashes = new ArrayList<>();
        final List<String> raws = new ArrayList<>();
        final List<Long> accountNonces = new ArrayList<>();
        final List<String> broadcasts = new ArrayList<>();
        final Set<Nonce> skippedByContract = new HashSet<>();
        final Map<Nonce, String> whyNot = new HashMap<>();
        /** Authorizations another relayer settled, by the hash of its transaction. */
        final Map<Nonce, String> relayedElsewhere = new HashMap<>();
        /** Authorizations their payer cancelled, by the hash of the cancelling transaction. */
        final Map<Nonce, String> cancelledByPayer = new HashMap<>();
        private final Map<String, List<TransferAuthorization>> byRaw = new HashMap<>();
        private final Map<String, Receipt> receipts = new HashMap<>();
        private final Map<UsedAuthorization, Integer> usedOnChain = new HashMap<>();
        private long nextAccountNonce;

        @Override
        public int maxBatchSize() {
            return maxBatchSize;
        }

        @Override
        public SignedTransaction sign(List<TransferAuthorization> authorizations) {
            reachable();
            long accountNonce = nextAccountNonce++;
            String raw = "0x02raw" + accountNonce + "-" + authorizations.hashCode();
            String hash = "0x" + String.format("%064x", raw.hashCode() & 0xffffffffL);
            signed.add(List.copyOf(authorizations));
            hashes.add(hash);
            raws.add(raw);
            accountNonces.add(accountNonce);
            byRaw.put(raw, List.copyOf(authorizations));
            return new SignedTransaction(hash, raw, accountNonce);
        }

        @Override
        public void broadcast(String rawTransaction) {
            if (crashBeforeNextBroadcast) {
                crashBeforeNextBroadcast = false;
                throw new SimulatedCrash();
            }
            reachable();
            broadcasts.add(rawTransaction);
            String hash = hashes.get(raws.indexOf(rawTransaction));
            if (mineOnBroadcast && !receipts.containsKey(hash)) {
                Set<UsedAuthorization> used = new HashSet<>();
                for (TransferAuthorization a : byRaw.get(rawTransaction)) {
                    UsedAuthorization key = UsedAuthorization.of(a);
                    if (!skippedByContract.contains(a.nonce()) && !usedOnChain.containsKey(key)
                            && !relayedElsewhere.containsKey(a.nonce()) && !cancelledByPayer.containsKey(a.nonce())) {
                        used.add(key);
                        usedOnChain.merge(key, 1, Integer::sum);
                    }
                }
                receipts.put(hash, new Receipt(hash, true, 50_000, used));
                minedAccountNonce = Math.max(minedAccountNonce, accountNonces.get(raws.indexOf(rawTransaction)) + 1);
            }
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
        public Optional<String> whyNotSettleable(TransferAuthorization authorization) {
            reachable();
            return Optional.ofNullable(whyNot.get(authorization.nonce()));
        }

        @Override
        public Fate fate(TransferAuthorization authorization) {
            reachable();
            Nonce nonce = authorization.nonce();
            if (relayedElsewhere.containsKey(nonce)) {
                return new Fate(Fate.State.TRANSFERRED, relayedElsewhere.get(nonce));
            }
            if (cancelledByPayer.containsKey(nonce)) {
                return new Fate(Fate.State.CANCELLED, cancelledByPayer.get(nonce));
            }
            return usedOnChain.containsKey(UsedAuthorization.of(authorization))
                    ? new Fate(Fate.State.TRANSFERRED, "0xours") : Fate.unused();
        }

        int timesUsedOnChain(TransferAuthorization authorization) {
            return usedOnChain.getOrDefault(UsedAuthorization.of(authorization), 0);
        }

        private void reachable() {
            if (unreachable) {
                throw new ChainUnavailableException("fake settlement chain switched off", null);
            }
        }
    }
}
