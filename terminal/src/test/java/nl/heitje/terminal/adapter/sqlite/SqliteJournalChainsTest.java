// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.port.SettlementQueue.Batch;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.port.SettlementQueue.Queued;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** Purses on two chains: each chain's settlement queue holds its own redemptions and batches only. */
class SqliteJournalChainsTest {
    private static final Instant DUE = Fixtures.NOW.plusSeconds(365L * 86_400);
    private static final ECKeyPair PAYER = Authorizations.key("carla");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);
    private static final Token ROOS = new Token("ROOS", 4242,
            Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "Roosendaalse Roos", "1", 2);
    /** The schema version before settlement batches had a chain. */
    private static final int BEFORE_BATCH_CHAINS = 8;

    @TempDir
    Path dir;
    private SqliteJournal journal;
    private int payments;

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void eachChainsQueueHoldsOnlyItsOwnRedemptionsAndBatches() {
        journal = SqliteJournal.open(file(), List.of(HEIT, ROOS));
        approve(HEIT, "heit");
        approve(ROOS, "roos");
        SettlementQueue heitQueue = journal.settlementQueue(HEIT.chainId());
        SettlementQueue roosQueue = journal.settlementQueue(ROOS.chainId());

        List<Queued> heitPending = heitQueue.pending(10, DUE);
        List<Queued> roosPending = roosQueue.pending(10, DUE);
        assertEquals(List.of(HEIT), heitPending.stream().map(q -> q.redemption().token()).toList());
        assertEquals(List.of(ROOS), roosPending.stream().map(q -> q.redemption().token()).toList());
        assertEquals(2, journal.pending(10, DUE).size(), "the journal itself is every chain's queue");

        assertThrows(IllegalArgumentException.class, () -> heitQueue.submit(signed("0x01", 0), roosPending,
                Fixtures.NOW), "another chain's redemption cannot go into this chain's batch");
        Batch roosBatch = roosQueue.submit(signed("0x02", 0), roosPending, Fixtures.NOW);

        assertEquals(List.of(), heitQueue.inFlight());
        assertEquals(List.of(roosBatch.id()), roosQueue.inFlight().stream().map(Batch::id).toList());
        long roosItem = roosPending.get(0).sequence();
        assertThrows(JournalException.class, () -> heitQueue.complete(roosBatch.id(),
                Map.of(roosItem, new Outcome.Settled("0x02", 5)), Fixtures.NOW));
        assertThrows(JournalException.class, () -> heitQueue.replace(roosBatch.id(), signed("0x03", 0),
                Fixtures.NOW));
        assertEquals(List.of(roosBatch.id()), roosQueue.inFlight().stream().map(Batch::id).toList(),
                "untouched by the other chain");
        assertThrows(JournalException.class, () -> roosQueue.resolvePending(heitPending.get(0).sequence(),
                new Outcome.Failed("expired", false), Fixtures.NOW));
        assertEquals(1, heitQueue.pending(10, DUE).size());

        roosQueue.complete(roosBatch.id(), Map.of(roosItem, new Outcome.Settled("0x02", 5)), Fixtures.NOW);
        assertEquals(List.of(), roosQueue.inFlight());
        assertEquals(0, journal.unsettledCount(ROOS.chainId()));
        assertEquals(1, journal.unsettledCount(HEIT.chainId()));
        assertEquals(1, journal.unsettledCount(HEIT));
    }

    @Test
    void aMigratedJournalKeepsItsBatchesOnTheChainItHad() throws SQLException {
        Batch[] batches = journalBeforeBatchesHadAChain();

        journal = SqliteJournal.open(file(), List.of(HEIT, ROOS));

        assertEquals(List.of(batches[0].id()),
                journal.settlementQueue(HEIT.chainId()).inFlight().stream().map(Batch::id).toList());
        assertEquals(List.of(), journal.settlementQueue(ROOS.chainId()).inFlight());
        assertEquals(2, countBatchesOn(HEIT.chainId()), "the batch without items, too, is the first token's chain's");
    }

    @Test
    void aMigratedBatchStaysOnItsItemsChainWhateverTokenComesFirstNow() throws SQLException {
        Batch[] batches = journalBeforeBatchesHadAChain();

        journal = SqliteJournal.open(file(), List.of(ROOS, HEIT));

        assertEquals(List.of(batches[0].id()),
                journal.settlementQueue(HEIT.chainId()).inFlight().stream().map(Batch::id).toList());
        assertEquals(List.of(), journal.settlementQueue(ROOS.chainId()).inFlight());
    }

    /**
     * A journal of a terminal with one chain, as it was before batches had a chain: one batch in flight, and one
     * closed whose item went back to pending (so no item tells its chain).
     */
    private Batch[] journalBeforeBatchesHadAChain() throws SQLException {
        journal = SqliteJournal.open(file(), List.of(HEIT));
        approve(HEIT, "in-flight");
        approve(HEIT, "retried");
        List<Queued> pending = journal.pending(10, DUE);
        Batch inFlight = journal.submit(signed("0x0a", 0), pending.subList(0, 1), Fixtures.NOW);
        Batch retried = journal.submit(signed("0x0b", 1), pending.subList(1, 2), Fixtures.NOW);
        journal.complete(retried.id(), Map.of(pending.get(1).sequence(),
                new Outcome.Retry("reverted", false, Fixtures.NOW)), Fixtures.NOW);
        journal.close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file().toAbsolutePath());
             Statement statement = raw.createStatement()) {
            // Back to before step 9 (and the reports of step 10, which came later).
            statement.execute("DROP TABLE z_report_line");
            statement.execute("DROP TABLE z_report");
            statement.execute("DROP INDEX payment_by_decided");
            statement.execute("DROP INDEX settlement_by_completion");
            statement.execute("DROP INDEX settlement_batch_in_flight");
            statement.execute("ALTER TABLE settlement_batch DROP COLUMN chain_id");
            statement.execute("PRAGMA user_version = " + BEFORE_BATCH_CHAINS);
        }
        return new Batch[] {inFlight, retried};
    }

    private long countBatchesOn(long chainId) throws SQLException {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file().toAbsolutePath());
             Statement statement = raw.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM settlement_batch WHERE chain_id = "
                     + chainId)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Path file() {
        return dir.resolve("journal.db");
    }

    private static SignedTransaction signed(String hash, long accountNonce) {
        return new SignedTransaction(String.format("0x%064x", Long.decode(hash)), "0xraw" + hash, accountNonce,
                SettlementChain.Fees.NONE);
    }

    private void approve(Token token, String nonce) {
        Instant at = Fixtures.NOW;
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(450, token), at);
        journal.create(waiting);
        TransferAuthorization authorization = Authorizations.builder(token, PAYER).value(450)
                .nonce(Authorizations.nonce(nonce)).build();
        journal.approve(waiting.approve(token, PAYER_ADDRESS, PaymentMethod.QR, false, at),
                new Redemption(waiting.id(), token, authorization, PaymentMethod.QR, false, at, 0));
    }
}
