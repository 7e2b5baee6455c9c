// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.Journal;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementQueue.Batch;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.port.SettlementQueue.Queued;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

class SqliteJournalTest {
    /** Late enough that every item, postponed or not, is due. */
    private static final Instant DUE = Fixtures.NOW.plusSeconds(365L * 86_400);
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
        journal = SqliteJournal.open(file, List.of(HEIT));
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void migratesAFreshFileAndReopensIt() throws SQLException {
        Payment waiting = createWaiting(450);
        journal.close();

        journal = SqliteJournal.open(file, List.of(HEIT));

        assertEquals(Optional.of(waiting), journal.find(waiting.id()));
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            assertEquals(Migrations.latestVersion(), queryInt(statement, "PRAGMA user_version"));
            assertEquals(4, queryInt(statement, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                    + " AND name IN ('payment','redemption','settlement_batch','settlement')"));
        }
    }

    @Test
    void aPaymentWrittenBeforePursesReadsAsASaleItsOneTokenPaysWhole() throws SQLException {
        journal.close();
        Path old = dir.resolve("before-purses.db");
        try (Connection raw = java.sql.DriverManager.getConnection("jdbc:sqlite:" + old);
             Statement statement = raw.createStatement()) {
            Migrations.apply(raw, Migrations.stepsUpTo(7), version -> "newer");
            statement.execute("INSERT INTO payment (id, reference, amount, token, status, decline_code, payer, method,"
                    + " offline, created_at, decided_at) VALUES ('old-1', 'till-7', 450, 'HEIT', 'DECLINED',"
                    + " 'INSUFFICIENT_FUNDS', '" + PAYER_ADDRESS.hex() + "', 'QR', 0, 1000, 2000)");
        }

        journal = SqliteJournal.open(old, List.of(HEIT));
        Payment read = journal.find("old-1").orElseThrow();

        assertEquals(new Euros(4_50), read.requested());
        assertEquals(Map.of(HEIT, new Euros(4_50)), read.sale().eligible());
        assertEquals(HEIT, read.purse());
        assertEquals(Optional.of(new Euros(4_50)), read.remaining());
        assertNull(read.declineReason());
    }

    @Test
    void createsTheDirectoryItIsToLiveIn() {
        Path nested = dir.resolve("var/lib/heitje/journal.db");
        try (SqliteJournal deep = SqliteJournal.open(nested, List.of(HEIT))) {
            assertTrue(Files.exists(nested));
            assertEquals(0, deep.unsettledCount());
        }
    }

    @Test
    void refusesAJournalFromANewerTerminal() throws SQLException {
        journal.close();
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("PRAGMA user_version = " + (Migrations.latestVersion() + 1));
        }

        assertThrows(JournalException.class, () -> SqliteJournal.open(file, List.of(HEIT)));
        journal = SqliteJournal.open(dir.resolve("other.db"), List.of(HEIT));
    }

    @Test
    void writesAheadAndSyncsFully() throws Exception {
        // synchronous is a per-connection setting, so only the journal's own connection can tell.
        var field = SqliteJournal.class.getDeclaredField("connection");
        field.setAccessible(true);
        Connection own = (Connection) field.get(journal);
        try (Statement statement = own.createStatement()) {
            try (ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
                rows.next();
                assertEquals("wal", rows.getString(1));
            }
            assertEquals(2, queryInt(statement, "PRAGMA synchronous"));
        }
    }

    @Test
    void refusesASecondRedemptionOfTheSameAuthorizationAndWritesNothing() throws SQLException {
        TransferAuthorization authorization = authorization("one", 450);
        approve(createWaiting(450), authorization);
        Payment second = createWaiting(450);

        assertThrows(Journal.DuplicateAuthorizationException.class, () -> approve(second, authorization));

        assertEquals(PaymentStatus.WAITING, journal.find(second.id()).orElseThrow().status());
        assertNull(journal.find(second.id()).orElseThrow().settlement());
        assertEquals(1, journal.unsettledCount());
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            assertEquals(1, queryInt(statement, "SELECT COUNT(*) FROM redemption"));
            assertEquals(1, queryInt(statement, "SELECT COUNT(*) FROM settlement"));
        }
        // The failed transaction must not have left the connection in manual-commit mode.
        journal.close(second.decline(nl.heitje.terminal.domain.DeclineCode.REPLAYED, PAYER_ADDRESS, PaymentMethod.QR,
                false, Fixtures.NOW));
        journal.close();
        journal = SqliteJournal.open(file, List.of(HEIT));
        assertEquals(PaymentStatus.DECLINED, journal.find(second.id()).orElseThrow().status());
    }

    @Test
    void refusesToUpdateOrDeleteARedemption() throws SQLException {
        approve(createWaiting(450), authorization("one", 450));

        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            SQLException update = assertThrows(SQLException.class,
                    () -> statement.executeUpdate("UPDATE redemption SET value = 1"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class,
                    () -> statement.executeUpdate("DELETE FROM redemption"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
            assertEquals(450, queryInt(statement, "SELECT value FROM redemption"));
        }
    }

    @Test
    void findsNoBrokenLinkInAnIntactChain() {
        assertEquals(Optional.empty(), journal.firstBrokenLink());
        for (int i = 0; i < 3; i++) {
            approve(createWaiting(100 + i), authorization("intact-" + i, 100 + i));
        }

        assertEquals(Optional.empty(), journal.firstBrokenLink());
    }

    @Test
    void namesTheRowWhoseValueWasEdited() throws SQLException {
        for (int i = 0; i < 3; i++) {
            approve(createWaiting(100 + i), authorization("edited-" + i, 100 + i));
        }
        long second = secondSequence();

        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("DROP TRIGGER redemption_is_append_only_update");
            statement.executeUpdate("UPDATE redemption SET value = 99999 WHERE seq = " + second);
        }

        assertEquals(Optional.of(second), journal.firstBrokenLink());
    }

    @Test
    void aReadOnlyLookFindsTheSameBreakAndChangesNothing() throws Exception {
        for (int i = 0; i < 3; i++) {
            approve(createWaiting(100 + i), authorization("read-only-" + i, 100 + i));
        }
        assertEquals(Optional.empty(), SqliteJournal.firstBrokenLinkIn(file));
        long second = secondSequence();
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("DROP TRIGGER redemption_is_append_only_update");
            statement.executeUpdate("UPDATE redemption SET payee = payer WHERE seq = " + second);
        }

        assertEquals(Optional.of(second), SqliteJournal.firstBrokenLinkIn(file));
        Path missing = file.resolveSibling("no-journal.db");
        assertThrows(JournalException.class, () -> SqliteJournal.firstBrokenLinkIn(missing));
        assertFalse(java.nio.file.Files.exists(missing), "a read-only look never creates a journal");
    }

    @Test
    void namesTheRowAfterADeletedOne() throws SQLException {
        for (int i = 0; i < 3; i++) {
            approve(createWaiting(100 + i), authorization("deleted-" + i, 100 + i));
        }
        long second = secondSequence();

        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("PRAGMA foreign_keys = OFF");
            statement.execute("DROP TRIGGER redemption_is_append_only_delete");
            statement.executeUpdate("DELETE FROM settlement WHERE redemption_seq = " + second);
            statement.executeUpdate("DELETE FROM redemption WHERE seq = " + second);
        }

        Optional<Long> broken = journal.firstBrokenLink();
        assertTrue(broken.isPresent());
        assertTrue(broken.get() > second, "the row after the gap no longer points at its predecessor");
    }

    @Test
    void carriesASettlementBatchThroughACrashToItsOutcome() {
        Payment first = createWaiting(100);
        Payment second = createWaiting(200);
        approve(first, authorization("batch-1", 100));
        approve(second, authorization("batch-2", 200));

        List<Queued> pending = journal.pending(10, DUE);
        assertEquals(List.of(first.id(), second.id()), pending.stream().map(q -> q.redemption().paymentId()).toList());
        assertTrue(pending.stream().allMatch(q -> q.attempts() == 0));

        Batch batch = journal.submit(signed("0xabc", "0x02f8raw", 7), pending, Fixtures.NOW);
        assertEquals(List.of(), journal.pending(10, DUE));
        assertEquals(SettlementStatus.SUBMITTED, journal.find(first.id()).orElseThrow().settlement().status());
        assertEquals("0xabc", journal.find(first.id()).orElseThrow().settlement().txHash());

        // The process dies here; a new one opens the same file.
        journal.close();
        journal = SqliteJournal.open(file, List.of(HEIT));

        List<Batch> inFlight = journal.inFlight();
        assertEquals(1, inFlight.size());
        Batch recovered = inFlight.get(0);
        assertEquals(batch.id(), recovered.id());
        assertEquals("0xabc", recovered.newest().txHash());
        assertEquals("0x02f8raw", recovered.newest().rawTransaction());
        assertEquals(7, recovered.accountNonce());
        assertEquals(pending, recovered.items());
        assertEquals(2, journal.unsettledCount());

        journal.complete(recovered.id(), Map.of(
                pending.get(0).sequence(), new Outcome.Settled("0xabc", 1),
                pending.get(1).sequence(), new Outcome.Failed("AuthorizationExpired", false)), Fixtures.NOW);

        Payment.Settlement settled = journal.find(first.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.SETTLED, settled.status());
        assertEquals("0xabc", settled.txHash());
        Payment.Settlement failed = journal.find(second.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, failed.status());
        assertEquals("AuthorizationExpired", failed.reason());
        assertEquals(List.of(), journal.inFlight());
        assertEquals(0, journal.unsettledCount());
        assertEquals(0, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
    }

    @Test
    void putsARetriedItemBackInTheQueueWithOneMoreAttempt() {
        Payment payment = createWaiting(300);
        approve(payment, authorization("retry", 300));
        List<Queued> items = journal.pending(10, DUE);
        Batch batch = journal.submit(signed("0xdef", "0x02f8other", 3), items, Fixtures.NOW);

        journal.complete(batch.id(), Map.of(items.get(0).sequence(), new Outcome.Retry("replaced", false, Fixtures.NOW)),
                Fixtures.NOW);

        List<Queued> again = journal.pending(10, DUE);
        assertEquals(1, again.size());
        assertEquals(1, again.get(0).attempts());
        assertEquals(items.get(0).redemption(), again.get(0).redemption());
        Payment.Settlement settlement = journal.find(payment.id()).orElseThrow().settlement();
        assertEquals(SettlementStatus.PENDING, settlement.status());
        assertNull(settlement.txHash());
        assertEquals(List.of(), journal.inFlight());
        assertEquals(300, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
    }

    @Test
    void keepsEveryTransactionOfABatchThroughARestartAndRefusesAReplacementAtAnotherNonce() {
        Payment payment = createWaiting(300);
        approve(payment, authorization("replaced", 300));
        List<Queued> items = journal.pending(10, DUE);
        Batch batch = journal.submit(signed("0x111", "0xraw1", 4), items, Fixtures.NOW);
        journal.replace(batch.id(), signed("0x222", "0xraw2", 4), Fixtures.NOW.plusSeconds(120));

        journal.close();
        journal = SqliteJournal.open(file, List.of(HEIT));

        Batch recovered = journal.inFlight().get(0);
        assertEquals(List.of("0x111", "0x222"), recovered.transactions().stream().map(t -> t.txHash()).toList());
        assertEquals("0x222", journal.find(payment.id()).orElseThrow().settlement().txHash());
        assertThrows(JournalException.class, () -> journal.replace(batch.id(), signed("0x333", "0xraw3", 5), Fixtures.NOW));
        assertEquals(2, journal.inFlight().get(0).transactions().size());
    }

    @Test
    void blocksThePayerInTheSameCommitAsTheirFailureAndOnlyThen() {
        Payment first = createWaiting(100);
        approve(first, authorization("cancelled-by-payer", 100));
        Payment second = createWaiting(200);
        approve(second, authorization("expired", 200));
        List<Queued> pending = journal.pending(10, DUE);

        journal.resolvePending(pending.get(1).sequence(), new Outcome.Failed("AuthorizationExpired", false), Fixtures.NOW);
        assertFalse(journal.isBlocked(PAYER_ADDRESS));
        journal.resolvePending(pending.get(0).sequence(), new Outcome.Failed("cancelled by the payer", true), Fixtures.NOW);

        assertTrue(journal.isBlocked(PAYER_ADDRESS));
        var blocked = journal.blockedPayers();
        assertEquals(1, blocked.size());
        assertEquals("cancelled by the payer", blocked.get(0).reason());
        assertEquals(pending.get(0).sequence(), blocked.get(0).redemptionSequence());
    }

    @Test
    void offersTheNearestDeadlineFirstAndHoldsBackWhatIsPostponed() {
        Payment relaxed = createWaiting(100);
        approve(relaxed, Authorizations.builder(HEIT, PAYER).value(100).nonce(Authorizations.nonce("relaxed"))
                .validBefore(Fixtures.NOW.getEpochSecond() + 7 * 86_400).build());
        Payment urgent = createWaiting(200);
        approve(urgent, Authorizations.builder(HEIT, PAYER).value(200).nonce(Authorizations.nonce("urgent"))
                .validBefore(Fixtures.NOW.getEpochSecond() + 3_600).build());

        List<Queued> due = journal.pending(10, Fixtures.NOW);
        assertEquals(List.of(urgent.id(), relaxed.id()), due.stream().map(q -> q.redemption().paymentId()).toList());
        assertEquals(1, journal.unsettledExpiringBefore(Fixtures.NOW.plusSeconds(7_200)), "only the urgent one is at risk");

        journal.resolvePending(due.get(0).sequence(), new Outcome.Retry("node refused", false,
                Fixtures.NOW.plusSeconds(60)), Fixtures.NOW);
        assertEquals(List.of(relaxed.id()), journal.pending(10, Fixtures.NOW).stream()
                .map(q -> q.redemption().paymentId()).toList());
        assertEquals(2, journal.pending(10, Fixtures.NOW.plusSeconds(60)).size());
    }

    @Test
    void aFailedOfflineRedemptionKeepsCountingAgainstTheOfflineExposureUntilItsLossIsAcknowledged() {
        Payment failed = createWaiting(300);
        approve(failed, authorization("lost", 300), true);
        Payment settled = createWaiting(200);
        approve(settled, authorization("kept", 200), true);
        List<Queued> items = journal.pending(10, DUE);
        Batch batch = journal.submit(signed("0x444", "0xraw4", 1), items, Fixtures.NOW);
        journal.complete(batch.id(), Map.of(
                items.get(0).sequence(), new Outcome.Failed("nonce used by the payer for another transfer", true),
                items.get(1).sequence(), new Outcome.Settled("0x444", 1)), Fixtures.NOW);

        var exposure = journal.offlineExposure(HEIT, PAYER_ADDRESS, Instant.EPOCH);
        assertEquals(300, exposure.unsettledTotal(), "the settled one left the exposure, the lost one did not");
        assertEquals(1, exposure.unsettledCount());
        assertEquals(1, journal.unacknowledgedLosses());

        assertFalse(journal.acknowledgeLoss(settled.id(), Fixtures.NOW), "nothing was lost there");
        assertTrue(journal.acknowledgeLoss(failed.id(), Fixtures.NOW));
        assertFalse(journal.acknowledgeLoss(failed.id(), Fixtures.NOW), "once");

        exposure = journal.offlineExposure(HEIT, PAYER_ADDRESS, Instant.EPOCH);
        assertEquals(0, exposure.unsettledTotal());
        assertEquals(0, exposure.unsettledCount());
        assertEquals(0, journal.unacknowledgedLosses());
    }

    @Test
    void refusesToSubmitAnItemThatIsAlreadyInABatch() {
        approve(createWaiting(300), authorization("twice", 300));
        List<Queued> items = journal.pending(10, DUE);
        journal.submit(signed("0x111", "0xraw1", 1), items, Fixtures.NOW);

        assertThrows(nl.heitje.terminal.port.SettlementQueue.ItemsChangedException.class,
                () -> journal.submit(signed("0x222", "0xraw2", 2), items, Fixtures.NOW));
        assertEquals(1, journal.inFlight().size());
        assertEquals("0x111", journal.inFlight().get(0).newest().txHash());
    }

    @Test
    void listsPaymentsNewestFirstWithinTheRange() {
        Payment early = createWaiting(100, Fixtures.NOW);
        Payment late = createWaiting(200, Fixtures.NOW.plusSeconds(60));
        createWaiting(300, Fixtures.NOW.plusSeconds(3600));

        assertEquals(List.of(late, early), journal.list(Fixtures.NOW, Fixtures.NOW.plusSeconds(3600), 10));
        assertEquals(List.of(late), journal.list(Fixtures.NOW, Fixtures.NOW.plusSeconds(3600), 1));
    }

    @Test
    void expiresEveryWaitingPayment() {
        Payment a = createWaiting(100);
        Payment b = createWaiting(200);

        assertEquals(2, journal.expireAllWaiting(Fixtures.NOW.plusSeconds(5)));

        assertEquals(PaymentStatus.EXPIRED, journal.find(a.id()).orElseThrow().status());
        assertEquals(PaymentStatus.EXPIRED, journal.find(b.id()).orElseThrow().status());
        assertFalse(journal.find(a.id()).orElseThrow().isWaiting());
    }

    @Test
    void resolvesAPendingRedemptionSettledOrCancelledWithoutUs() {
        Payment relayed = createWaiting(100);
        approve(relayed, authorization("relayed", 100));
        Payment cancelled = createWaiting(200);
        approve(cancelled, authorization("cancelled", 200));
        List<Queued> pending = journal.pending(10, DUE);

        journal.resolvePending(pending.get(0).sequence(), new Outcome.Settled("0xrelayer", 1), Fixtures.NOW);
        journal.resolvePending(pending.get(1).sequence(), new Outcome.Failed("cancelled by the payer in 0xcancel", false), Fixtures.NOW);

        assertEquals(new Payment.Settlement(SettlementStatus.SETTLED, "0xrelayer", null),
                journal.find(relayed.id()).orElseThrow().settlement());
        assertEquals(new Payment.Settlement(SettlementStatus.FAILED, null, "cancelled by the payer in 0xcancel"),
                journal.find(cancelled.id()).orElseThrow().settlement());
        assertThrows(JournalException.class,
                () -> journal.resolvePending(pending.get(0).sequence(), new Outcome.Failed("twice", false), Fixtures.NOW),
                "only a pending redemption can be resolved");
    }

    @Test
    void keepsTheOpenOfflineExposureEqualToWhatTheRedemptionsSayThroughEveryChange() throws SQLException {
        long seed = 20261127L;
        Random random = new Random(seed);
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(5);
            if (action <= 1) {
                Payment waiting = createWaiting(1 + random.nextInt(500));
                approve(waiting, authorization("exposure-" + step, waiting.amount().cents()), random.nextBoolean());
            } else if (action == 2) {
                List<Queued> pending = journal.pending(1 + random.nextInt(5), DUE);
                if (!pending.isEmpty()) {
                    journal.submit(signed(String.format("0x%064x", step), "0xraw", step), pending, Fixtures.NOW);
                }
            } else if (action == 4) {
                if (payments > 0) {
                    journal.acknowledgeLoss("p-" + (1 + random.nextInt(payments)), Fixtures.NOW);
                }
            } else {
                for (Batch batch : journal.inFlight()) {
                    Map<Long, Outcome> outcomes = new HashMap<>();
                    for (Queued item : batch.items()) {
                        int pick = random.nextInt(3);
                        outcomes.put(item.sequence(), pick == 0 ? new Outcome.Settled(batch.newest().txHash(), 1)
                                : pick == 1 ? new Outcome.Failed("AuthorizationExpired", false) : new Outcome.Retry("reverted", false, Fixtures.NOW));
                    }
                    journal.complete(batch.id(), outcomes, Fixtures.NOW);
                }
            }
            var exposure = journal.offlineExposure(HEIT, PAYER_ADDRESS, Instant.EPOCH);
            long[] recomputed = openOfflineFromTheRedemptions();
            assertEquals(recomputed[0], exposure.unsettledTotal(), "seed " + seed + ", step " + step);
            assertEquals(recomputed[1], exposure.unsettledCount(), "seed " + seed + ", step " + step);
            assertEquals(openFromThePayersRedemptions(), journal.unsettledFrom(HEIT, PAYER_ADDRESS),
                    "seed " + seed + ", step " + step);
        }
    }

    private long openFromThePayersRedemptions() throws SQLException {
        try (Connection connection = raw(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COALESCE(SUM(r.value), 0) FROM redemption r"
                     + " JOIN settlement s ON s.redemption_seq = r.seq WHERE s.status IN ('PENDING','SUBMITTED')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long[] openOfflineFromTheRedemptions() throws SQLException {
        try (Connection connection = raw(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COALESCE(SUM(r.value), 0), COUNT(*) FROM redemption r"
                     + " JOIN settlement s ON s.redemption_seq = r.seq WHERE r.offline = 1"
                     + " AND (s.status IN ('PENDING','SUBMITTED')"
                     + "      OR (s.status = 'FAILED' AND s.loss_acknowledged_at IS NULL))")) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2)};
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private Connection raw() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 5000");
        }
        return connection;
    }

    private static int queryInt(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static SignedTransaction signed(String hash, String raw, long accountNonce) {
        return new SignedTransaction(hash, raw, accountNonce, SettlementChain.Fees.NONE);
    }

    private long secondSequence() {
        return journal.pending(10, DUE).get(1).sequence();
    }

    private Payment createWaiting(long units) {
        return createWaiting(units, Fixtures.NOW);
    }

    private Payment createWaiting(long units, Instant at) {
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(units, HEIT), at);
        journal.create(waiting);
        return waiting;
    }

    private static TransferAuthorization authorization(String nonce, long units) {
        return Authorizations.builder(HEIT, PAYER).value(units).nonce(Authorizations.nonce(nonce)).build();
    }

    private void approve(Payment waiting, TransferAuthorization authorization) {
        approve(waiting, authorization, false);
    }

    private void approve(Payment waiting, TransferAuthorization authorization, boolean offline) {
        Instant at = Fixtures.NOW.plusSeconds(1);
        journal.approve(waiting.approve(HEIT, PAYER_ADDRESS, PaymentMethod.QR, offline, at),
                new Redemption(waiting.id(), HEIT, authorization, PaymentMethod.QR, offline, at, 0));
    }
}
