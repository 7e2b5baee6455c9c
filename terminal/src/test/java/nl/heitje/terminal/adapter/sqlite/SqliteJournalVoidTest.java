// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain.Fees;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

class SqliteJournalVoidTest {
    private static final ECKeyPair PAYER = Authorizations.key("vera");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);
    private static final Instant AT = Fixtures.NOW;

    @TempDir
    Path dir;
    private SqliteJournal journal;
    private int payments;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void voidsAPendingApprovalOnceAndItLeavesEveryOpenTotal() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        Payment offline = approved("off", 300, true);
        assertEquals(300, journal.offlineExposure(HEIT, PAYER_ADDRESS, AT.minusSeconds(3600)).unsettledTotal());
        assertEquals(300, journal.unsettledFrom(HEIT, PAYER_ADDRESS));

        assertTrue(journal.voidApproved(offline.id(), "wrong amount keyed", AT.plusSeconds(5)));

        Payment read = journal.find(offline.id()).orElseThrow();
        assertEquals(PaymentStatus.VOIDED, read.status());
        assertEquals("wrong amount keyed", read.declineReason());
        assertNull(read.settlement());
        assertEquals(PAYER_ADDRESS, read.payer());
        assertEquals(0, journal.offlineExposure(HEIT, PAYER_ADDRESS, AT.minusSeconds(3600)).unsettledTotal());
        assertEquals(0, journal.offlineExposure(HEIT, PAYER_ADDRESS, AT.minusSeconds(3600)).unsettledCount());
        assertEquals(0, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
        assertEquals(0, journal.unsettledCount());
        assertEquals(List.of(), journal.pending(10, AT.plusSeconds(60)));
        assertFalse(journal.voidApproved(offline.id(), "again", AT.plusSeconds(6)), "a void happens once");
        assertEquals(java.util.Optional.empty(), journal.firstBrokenLink(), "the redemption chain is untouched");
    }

    @Test
    void refusesToVoidWhatWasSubmittedOrNeverApproved() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        Payment submitted = approved("sub", 100, false);
        List<SettlementQueue.Queued> due = journal.pending(10, AT.plusSeconds(60));
        journal.submit(new SignedTransaction("0x" + "a".repeat(64), "0x02raw", 0,
                new Fees(java.math.BigInteger.ONE, java.math.BigInteger.ONE)), due, AT.plusSeconds(1));
        Payment waiting = Payment.waiting("w-1", "till-w", new Money(100, HEIT), AT);
        journal.create(waiting);

        assertFalse(journal.voidApproved(submitted.id(), "too late", AT.plusSeconds(2)));
        assertFalse(journal.voidApproved(waiting.id(), "not approved", AT.plusSeconds(2)));
        assertFalse(journal.voidApproved("nobody", "no such payment", AT.plusSeconds(2)));

        assertEquals(SettlementStatus.SUBMITTED, journal.find(submitted.id()).orElseThrow().settlement().status());
        assertEquals(PaymentStatus.WAITING, journal.find(waiting.id()).orElseThrow().status());
    }

    @Test
    void aBatchBuiltFromAnItemVoidedMeanwhileIsNotRecorded() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        Payment kept = approved("kept", 100, false);
        Payment voided = approved("gone", 200, false);
        List<SettlementQueue.Queued> due = journal.pending(10, AT.plusSeconds(60));
        assertTrue(journal.voidApproved(voided.id(), "customer changed their mind", AT.plusSeconds(1)));

        assertThrows(SettlementQueue.ItemsChangedException.class, () -> journal.submit(new SignedTransaction(
                "0x" + "b".repeat(64), "0x02raw", 0, new Fees(java.math.BigInteger.ONE, java.math.BigInteger.ONE)),
                due, AT.plusSeconds(2)));

        assertEquals(List.of(), journal.inFlight());
        assertEquals(SettlementStatus.PENDING, journal.find(kept.id()).orElseThrow().settlement().status());
        assertEquals(List.of(kept.id()), journal.pending(10, AT.plusSeconds(60)).stream()
                .map(q -> q.redemption().paymentId()).toList());
    }

    @Test
    void upgradesAJournalWithRowsFromTheVersionBeforeVoidsKeepingEveryIndexAndTrigger() throws Exception {
        Path file = dir.resolve("before-voids.db");
        int before = Migrations.latestVersion() - 1;
        Set<String> indexesBefore;
        Set<String> triggersBefore;
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            Migrations.apply(raw, Migrations.stepsUpTo(before), version -> "newer");
            indexesBefore = names(raw, "index");
            triggersBefore = names(raw, "trigger");
        }
        // Rows written by the terminal as it was: an offline approval still pending, a settled one, a decline.
        journal = SqliteJournal.open(dir.resolve("scratch.db"), List.of(HEIT));
        journal.close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement sql = raw.createStatement()) {
            sql.execute("INSERT INTO payment (id, reference, amount, token, status, payer, method, offline, created_at,"
                    + " decided_at, purse) VALUES ('old-pending', 'till-1', 300, 'HEIT', 'APPROVED', '"
                    + PAYER_ADDRESS.hex() + "', 'QR', 1, 1000, 2000, 'HEIT')");
            sql.execute("INSERT INTO payment (id, reference, amount, token, status, payer, method, offline, created_at,"
                    + " decided_at, purse) VALUES ('old-settled', 'till-2', 100, 'HEIT', 'APPROVED', '"
                    + PAYER_ADDRESS.hex() + "', 'QR', 0, 3000, 4000, 'HEIT')");
            sql.execute("INSERT INTO payment (id, reference, amount, token, status, decline_code, created_at,"
                    + " decided_at, purse) VALUES ('old-declined', 'till-3', 50, 'HEIT', 'DECLINED', 'EXPIRED', 5000,"
                    + " 6000, 'HEIT')");
            redemptionRow(sql, 1, "old-pending", 300, 1, "PENDING");
            redemptionRow(sql, 2, "old-settled", 100, 0, "SETTLED");
        }

        journal = SqliteJournal.open(file, List.of(HEIT));

        assertEquals(PaymentStatus.APPROVED, journal.find("old-pending").orElseThrow().status());
        assertEquals(SettlementStatus.PENDING, journal.find("old-pending").orElseThrow().settlement().status());
        assertEquals(SettlementStatus.SETTLED, journal.find("old-settled").orElseThrow().settlement().status());
        assertEquals(PaymentStatus.DECLINED, journal.find("old-declined").orElseThrow().status());
        assertEquals(3, journal.list(Instant.EPOCH, Instant.ofEpochMilli(10_000), 10).size());
        assertEquals(300, journal.offlineExposure(HEIT, PAYER_ADDRESS, Instant.EPOCH).unsettledTotal());
        assertEquals(300, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
        journal.close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            Set<String> indexesAfter = names(raw, "index");
            Set<String> triggersAfter = names(raw, "trigger");
            assertTrue(indexesAfter.containsAll(indexesBefore), "lost indexes: " + difference(indexesBefore, indexesAfter));
            assertTrue(triggersAfter.containsAll(triggersBefore), "lost triggers: "
                    + difference(triggersBefore, triggersAfter));
            assertTrue(triggersAfter.contains("offline_exposure_closes_when_voided"));
        }
        journal = SqliteJournal.open(file, List.of(HEIT));

        assertTrue(journal.voidApproved("old-pending", "keyed twice", Instant.ofEpochMilli(7000)));
        assertEquals(0, journal.offlineExposure(HEIT, PAYER_ADDRESS, Instant.EPOCH).unsettledTotal());
        assertEquals(0, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
        assertFalse(journal.voidApproved("old-settled", "too late", Instant.ofEpochMilli(7000)));
    }

    private static void redemptionRow(Statement sql, int seq, String paymentId, long value, int offline, String status)
            throws Exception {
        sql.execute("INSERT INTO redemption (seq, payment_id, token, chain_id, contract, payer, payee, value,"
                + " valid_after, valid_before, nonce, signature, method, offline, recorded_at, prev_hash, hash) VALUES ("
                + seq + ", '" + paymentId + "', 'HEIT', 31337, '0x0000000000000000000000000000000000000001', '"
                + PAYER_ADDRESS.hex() + "', '0x0000000000000000000000000000000000000002', " + value + ", '0', '"
                + "99999999999', '0x" + String.format("%064x", seq) + "', '0x00', 'QR', " + offline + ", 2000, '"
                + "0".repeat(64) + "', '" + String.format("%064x", 1000 + seq) + "')");
        sql.execute("INSERT INTO settlement (redemption_seq, status, updated_at, settled_block) VALUES (" + seq + ", '"
                + status + "', 2000, " + ("SETTLED".equals(status) ? "10" : "NULL") + ")");
    }

    private static Set<String> names(Connection raw, String type) throws Exception {
        Set<String> names = new TreeSet<>();
        try (Statement sql = raw.createStatement();
             ResultSet rows = sql.executeQuery("SELECT name FROM sqlite_master WHERE type = '" + type
                     + "' AND name NOT LIKE 'sqlite_%'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static List<String> difference(Set<String> before, Set<String> after) {
        List<String> lost = new ArrayList<>(before);
        lost.removeAll(after);
        return lost;
    }

    private Payment approved(String nonce, long units, boolean offline) {
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(units, HEIT), AT);
        journal.create(waiting);
        TransferAuthorization authorization = Authorizations.builder(HEIT, PAYER).value(units)
                .validBefore(AT.plusSeconds(86_400).getEpochSecond()).nonce(Authorizations.nonce("void-" + nonce))
                .build();
        Payment approved = waiting.approve(HEIT, PAYER_ADDRESS, PaymentMethod.QR, offline, AT);
        journal.approve(approved, new Redemption(waiting.id(), HEIT, authorization, PaymentMethod.QR, offline, AT, 1));
        return approved;
    }
}
