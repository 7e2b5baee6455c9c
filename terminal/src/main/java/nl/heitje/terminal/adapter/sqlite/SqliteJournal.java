// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Sale;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.Journal;
import nl.heitje.terminal.port.Reports;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementQueue;
import org.sqlite.SQLiteConfig;

/**
 * The journal in one SQLite file: WAL with {@code synchronous=FULL}, so a commit that has returned survives a
 * power cut. One connection, used under one lock: there is one counter and writes are tiny, so serializing them
 * costs nothing and rules out every interleaving.
 *
 * <p>Each chain settles apart ({@link #settlementQueue(long)}); the journal itself, as a {@link SettlementQueue},
 * is the queue of every chain at once, for tests and tools on a single chain.
 */
public final class SqliteJournal implements Journal, SettlementQueue, Reports, AutoCloseable {
    static final String GENESIS_HASH = "0".repeat(64);
    private static final String OPEN = "('PENDING','SUBMITTED')";
    private static final String PAYMENT_COLUMNS = """
            p.id, p.reference, p.amount, p.token, p.status, p.decline_code, p.payer, p.method, p.offline,
            p.created_at, p.decided_at, p.pin_tries_left, p.purse, p.eligible, p.basket, p.decline_reason,
            s.status AS settlement_status, s.tx_hash, s.reason
            FROM payment p
            LEFT JOIN redemption r ON r.payment_id = p.id
            LEFT JOIN settlement s ON s.redemption_seq = r.seq
            """;
    private static final String REDEMPTION_COLUMNS = """
            r.seq, r.payment_id, r.token, r.chain_id, r.contract, r.payer, r.payee, r.value, r.valid_after,
            r.valid_before, r.nonce, r.signature, r.method, r.offline, r.recorded_at, s.attempts, s.search_from_block
            """;

    private final Connection connection;
    /** A second connection that only checkpoints, so that work never waits behind the payment lock. */
    private final Connection checkpointer;
    private final Map<String, Token> tokensBySymbol;
    private final Path file;
    private final SqliteReports reports;

    private SqliteJournal(Path file, Connection connection, Connection checkpointer, Map<String, Token> tokensBySymbol) {
        this.file = file;
        this.connection = connection;
        this.checkpointer = checkpointer;
        this.tokensBySymbol = tokensBySymbol;
        this.reports = new SqliteReports(connection, this::token);
    }

    /** Opens (creating if needed) the journal file and brings its schema up to date. */
    public static SqliteJournal open(Path file, List<Token> tokens) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection connection = connect(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                // SQLite checkpoints inside a commit once the WAL reaches its limit, and that commit then waits for
                // the copy and an fsync of the database file: a latency spike at the counter every few dozen
                // payments. Checkpoints run from checkpoint() on a timer instead; this high limit is only a backstop.
                statement.execute("PRAGMA wal_autocheckpoint=4000");
            }
            // Foreign keys off while the schema changes, as SQLite's procedure for rebuilding a table asks (a
            // rebuilt parent table would otherwise take its children's rows with it), checked before they go on.
            Migrations.apply(connection);
            try (Statement statement = connection.createStatement()) {
                try (ResultSet broken = statement.executeQuery("PRAGMA foreign_key_check")) {
                    if (broken.next()) {
                        throw new JournalException("journal " + file + " has a row in " + broken.getString(1)
                                + " whose reference to " + broken.getString(3) + " leads nowhere", null);
                    }
                }
                statement.execute("PRAGMA foreign_keys=ON");
            }
            if (!tokens.isEmpty()) {
                // Batches from before batches had a chain were all sent on the one chain the terminal then had.
                try (PreparedStatement unassigned = connection.prepareStatement(
                        "UPDATE settlement_batch SET chain_id = ? WHERE chain_id IS NULL")) {
                    unassigned.setLong(1, tokens.get(0).chainId());
                    unassigned.executeUpdate();
                }
            }
            return new SqliteJournal(file, connection, connect(file),
                    tokens.stream().collect(Collectors.toUnmodifiableMap(Token::symbol, Function.identity())));
        } catch (SQLException | java.io.IOException e) {
            throw new JournalException("cannot open journal " + file, e);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA synchronous=FULL");
            statement.execute("PRAGMA busy_timeout=5000");
        }
        return connection;
    }

    /**
     * Copies committed pages from the write-ahead log into the database file. Called from a timer, off the payment
     * path; a PASSIVE checkpoint never blocks a payment's commit. Durability does not depend on it: a commit is
     * synced in the log.
     */
    public void checkpoint() {
        synchronized (checkpointer) {
            try (Statement statement = checkpointer.createStatement()) {
                statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
            } catch (SQLException e) {
                throw new JournalException("checkpoint " + file, e);
            }
        }
    }

    // ---- payments -------------------------------------------------------------------------------------

    @Override
    public synchronized void create(Payment waiting) {
        update("create payment " + waiting.id(), """
                INSERT INTO payment (id, reference, amount, token, status, offline, created_at, purse, eligible, basket)
                VALUES (?, ?, ?, ?, 'WAITING', 0, ?, ?, ?, ?)
                """, waiting.id(), waiting.reference(), waiting.requested().cents(),
                waiting.sale().eligible().keySet().iterator().next().symbol(), waiting.createdAt().toEpochMilli(),
                waiting.purse() == null ? null : waiting.purse().symbol(), SaleColumns.eligible(waiting.sale()),
                SaleColumns.basket(waiting.sale().basket()));
    }

    @Override
    public synchronized void close(Payment decided) {
        if (decided.status() == PaymentStatus.APPROVED || decided.status() == PaymentStatus.WAITING) {
            throw new IllegalArgumentException("close records declines, cancels and expiries, not " + decided.status());
        }
        int changed = update("close payment " + decided.id(), """
                UPDATE payment SET status = ?, decline_code = ?, payer = ?, method = ?, offline = ?, decided_at = ?,
                  pin_tries_left = ?, purse = ?, decline_reason = ?
                WHERE id = ? AND status = 'WAITING'
                """, decided.status().name(), name(decided.declineCode()), text(decided.payer()), name(decided.method()),
                decided.offline() ? 1 : 0, decided.decidedAt().toEpochMilli(), decided.pinTriesLeft(),
                decided.purse() == null ? null : decided.purse().symbol(), decided.declineReason(), decided.id());
        requireOneChanged(changed, decided.id());
    }

    @Override
    public synchronized void approve(Payment approved, Redemption redemption) {
        TransferAuthorization a = redemption.authorization();
        inTransaction("approve payment " + approved.id(), () -> {
            String previous = lastHash();
            String[] fields = {redemption.paymentId(), redemption.token().symbol(),
                    Long.toString(a.chainId()), a.token().hex(), a.from().hex(), a.to().hex(), a.value().toString(),
                    Long.toUnsignedString(a.validAfter()), Long.toUnsignedString(a.validBefore()), a.nonce().hex(),
                    a.signature().hex(), redemption.method().name(), redemption.offline() ? "1" : "0",
                    Long.toString(redemption.recordedAt().toEpochMilli())};
            String hash = chainHash(previous, fields);
            long sequence;
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO redemption (payment_id, token, chain_id, contract, payer, payee, value, valid_after,
                      valid_before, nonce, signature, method, offline, recorded_at, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, Statement.RETURN_GENERATED_KEYS)) {
                bind(insert, redemption.paymentId(), redemption.token().symbol(), a.chainId(), a.token().hex(),
                        a.from().hex(), a.to().hex(), a.value().longValueExact(), Long.toUnsignedString(a.validAfter()),
                        Long.toUnsignedString(a.validBefore()), a.nonce().hex(), a.signature().hex(),
                        redemption.method().name(), redemption.offline() ? 1 : 0,
                        redemption.recordedAt().toEpochMilli(), previous, hash);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    sequence = keys.getLong(1);
                }
            } catch (SQLException e) {
                if (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed: redemption.payer")) {
                    throw new DuplicateAuthorizationException(a.from(), a.nonce());
                }
                throw e;
            }
            update("queue settlement", """
                    INSERT INTO settlement (redemption_seq, status, updated_at, search_from_block, deadline)
                    VALUES (?, 'PENDING', ?, ?, ?)
                    """, sequence, redemption.recordedAt().toEpochMilli(), redemption.knownBlock(),
                    Long.compareUnsigned(a.validBefore(), Long.MAX_VALUE) > 0 ? Long.MAX_VALUE : a.validBefore());
            int changed = update("approve payment", """
                    UPDATE payment SET status = 'APPROVED', payer = ?, method = ?, offline = ?, decided_at = ?, purse = ?
                    WHERE id = ? AND status = 'WAITING'
                    """, approved.payer().hex(), approved.method().name(), approved.offline() ? 1 : 0,
                    approved.decidedAt().toEpochMilli(), approved.purse().symbol(), approved.id());
            requireOneChanged(changed, approved.id());
        });
    }

    @Override
    public synchronized Optional<Payment> find(String paymentId) {
        return queryPayments("SELECT " + PAYMENT_COLUMNS + " WHERE p.id = ?", paymentId).stream().findFirst();
    }

    @Override
    public synchronized Optional<Payment> findByReference(String reference) {
        return queryPayments("SELECT " + PAYMENT_COLUMNS + " WHERE p.reference = ? ORDER BY p.created_at DESC, p.rowid DESC",
                reference).stream().findFirst();
    }

    @Override
    public synchronized List<Payment> list(Instant from, Instant to, int limit) {
        return queryPayments("SELECT " + PAYMENT_COLUMNS
                        + " WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?",
                from.toEpochMilli(), to.toEpochMilli(), limit);
    }

    @Override
    public synchronized int expireAllWaiting(Instant at) {
        return update("expire waiting payments",
                "UPDATE payment SET status = 'EXPIRED', decided_at = ? WHERE status = 'WAITING'", at.toEpochMilli());
    }

    @Override
    public synchronized boolean hasSeen(Address payer, Nonce nonce) {
        return queryLong("SELECT COUNT(*) FROM redemption WHERE payer = ? AND nonce = ?", payer.hex(), nonce.hex()) > 0;
    }

    @Override
    public synchronized long unsettledFrom(Token token, Address payer) {
        return queryLong("SELECT open_units FROM payer_open WHERE payer = ? AND token = ?", payer.hex(), token.symbol());
    }

    @Override
    public synchronized long unsettledFromAsOf(Token token, Address payer, long block) {
        // Settled after the snapshot's block: few rows, found through the partial index on settled_block. The unary
        // "+" keeps SQLite from walking the payer's whole history through the payer index instead.
        return unsettledFrom(token, payer) + queryLong("""
                SELECT COALESCE(SUM(value), 0) FROM redemption
                WHERE seq IN (SELECT redemption_seq FROM settlement WHERE status = 'SETTLED' AND settled_block > ?)
                  AND +payer = ? AND +token = ?
                """, block, payer.hex(), token.symbol());
    }

    @Override
    public synchronized long unsettledOnline(Token token) {
        return queryLong("SELECT COALESCE(SUM(r.value), 0) FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq"
                + " WHERE s.status IN " + OPEN + " AND r.offline = 0 AND r.token = ?", token.symbol());
    }

    @Override
    public synchronized OfflineLimits.Exposure offlineExposure(Token token, Address payer, Instant startOfDay) {
        long payerToday = queryLong("SELECT COALESCE(SUM(value), 0) FROM redemption"
                + " WHERE offline = 1 AND payer = ? AND token = ? AND recorded_at >= ?",
                payer.hex(), token.symbol(), startOfDay.toEpochMilli());
        long[] open = queryLongs(2, "SELECT open_units, open_count FROM offline_exposure WHERE token = ?", token.symbol());
        return new OfflineLimits.Exposure(payerToday, open[0], (int) open[1]);
    }

    @Override
    public synchronized boolean isBlocked(Address payer) {
        return queryLong("SELECT COUNT(*) FROM blocked_payer WHERE payer = ?", payer.hex()) > 0;
    }

    @Override
    public synchronized List<BlockedPayer> blockedPayers() {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT payer, reason, redemption_seq, since FROM blocked_payer ORDER BY since, payer");
             ResultSet rows = select.executeQuery()) {
            List<BlockedPayer> blocked = new ArrayList<>();
            while (rows.next()) {
                blocked.add(new BlockedPayer(new Address(rows.getString(1)), rows.getString(2), rows.getLong(3),
                        Instant.ofEpochMilli(rows.getLong(4))));
            }
            return blocked;
        } catch (SQLException e) {
            throw new JournalException("read blocked payers", e);
        }
    }

    @Override
    public synchronized boolean voidApproved(String paymentId, String reason, Instant at) {
        boolean[] voided = new boolean[1];
        inTransaction("void " + paymentId, () -> {
            // The settlement first, and only while it is PENDING: the worker marks a batch's items SUBMITTED in one
            // commit under this same lock, so a void and a batch see each other whole or not at all. Never an item
            // that was in a batch before (attempts > 0) and went back to pending: its authorization has been
            // broadcast, and anyone who saw it may still relay it.
            int settlement = update("void settlement of " + paymentId, """
                    UPDATE settlement SET status = 'VOIDED', reason = ?, updated_at = ?
                    WHERE status = 'PENDING' AND attempts = 0
                      AND redemption_seq = (SELECT seq FROM redemption WHERE payment_id = ?)
                    """, "voided: " + reason, at.toEpochMilli(), paymentId);
            if (settlement != 1) {
                return;
            }
            requireOneChanged(update("void payment " + paymentId, """
                    UPDATE payment SET status = 'VOIDED', decline_reason = ? WHERE id = ? AND status = 'APPROVED'
                    """, reason, paymentId), "void payment " + paymentId);
            requireOneChanged(update("record void of " + paymentId,
                    "INSERT INTO payment_void (payment_id, reason, voided_at) VALUES (?, ?, ?)", paymentId, reason,
                    at.toEpochMilli()), "record void of " + paymentId);
            voided[0] = true;
        });
        return voided[0];
    }

    @Override
    public synchronized boolean acknowledgeLoss(String paymentId, Instant at) {
        return update("acknowledge loss of " + paymentId, """
                UPDATE settlement SET loss_acknowledged_at = ?
                WHERE status = 'FAILED' AND loss_acknowledged_at IS NULL
                  AND redemption_seq = (SELECT seq FROM redemption WHERE payment_id = ?)
                """, at.toEpochMilli(), paymentId) == 1;
    }

    @Override
    public synchronized int unacknowledgedLosses() {
        return (int) queryLong("SELECT COUNT(*) FROM settlement WHERE status = 'FAILED' AND loss_acknowledged_at IS NULL");
    }

    @Override
    public synchronized List<Payment> lossesToAcknowledge(int limit) {
        return queryPayments("SELECT " + PAYMENT_COLUMNS
                + " WHERE s.status = 'FAILED' AND s.loss_acknowledged_at IS NULL ORDER BY r.seq LIMIT ?", limit);
    }

    @Override
    public synchronized int unsettledExpiringBefore(Instant horizon) {
        return (int) queryLong("SELECT COUNT(*) FROM settlement WHERE status IN " + OPEN + " AND deadline < ?",
                horizon.getEpochSecond());
    }

    @Override
    public synchronized int unsettledCount() {
        return (int) queryLong("SELECT COUNT(*) FROM settlement WHERE status IN " + OPEN);
    }

    /** Redemptions of this chain not yet settled or failed. */
    public synchronized int unsettledCount(long chainId) {
        return (int) queryLong("SELECT COUNT(*) FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq"
                + " WHERE s.status IN " + OPEN + " AND r.chain_id = ?", chainId);
    }

    /** When the oldest redemption of this chain not yet settled (nor failed) was recorded: the settlement lag. */
    public synchronized Optional<Instant> oldestUnsettled(long chainId) {
        long millis = queryLong("SELECT COALESCE(MIN(r.recorded_at), -1) FROM settlement s"
                + " JOIN redemption r ON r.seq = s.redemption_seq WHERE s.status IN " + OPEN + " AND r.chain_id = ?",
                chainId);
        return millis < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** Redemptions of this chain whose settlement failed for good, acknowledged or not. */
    public synchronized long failedSettlements(long chainId) {
        return queryLong("SELECT COUNT(*) FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq"
                + " WHERE s.status = 'FAILED' AND r.chain_id = ?", chainId);
    }

    /** Redemptions in this token not yet settled or failed. */
    public synchronized int unsettledCount(Token token) {
        return (int) queryLong("SELECT COUNT(*) FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq"
                + " WHERE s.status IN " + OPEN + " AND r.token = ?", token.symbol());
    }

    // ---- settlement queue -----------------------------------------------------------------------------

    /**
     * The settlement queue of one chain: its redemptions and its batches only. Each chain has its own node,
     * settlement account nonces and worker; a worker that saw another chain's batch would look for its receipt on
     * the wrong node, and one chain that cannot be reached would hold up the others.
     */
    public SettlementQueue settlementQueue(long chainId) {
        return new ChainQueue(chainId);
    }

    private final class ChainQueue implements SettlementQueue {
        private final long chainId;

        private ChainQueue(long chainId) {
            this.chainId = chainId;
        }

        @Override
        public List<Queued> pending(int limit, Instant now) {
            return pendingOn(chainId, limit, now);
        }

        @Override
        public Batch submit(SignedTransaction transaction, List<Queued> items, Instant now) {
            return submitOn(chainId, transaction, items, now);
        }

        @Override
        public Batch replace(long batchId, SignedTransaction replacement, Instant now) {
            return replaceOn(chainId, batchId, replacement, now);
        }

        @Override
        public List<Batch> inFlight() {
            return inFlightOn(chainId);
        }

        @Override
        public void resolvePending(long sequence, Outcome outcome, Instant now) {
            resolvePendingOn(chainId, sequence, outcome, now);
        }

        @Override
        public void complete(long batchId, Map<Long, Outcome> outcomesBySequence, Instant now) {
            completeOn(chainId, batchId, outcomesBySequence, now);
        }

        @Override
        public String toString() {
            return "settlement queue of chain " + chainId + " in " + file;
        }
    }

    /** A condition on {@code column} for one chain; none for every chain ({@code chainId} null). */
    private static String onChain(Long chainId, String column) {
        return chainId == null ? "" : " AND " + column + " = " + chainId;
    }

    @Override
    public List<Queued> pending(int limit, Instant now) {
        return pendingOn(null, limit, now);
    }

    private synchronized List<Queued> pendingOn(Long chainId, int limit, Instant now) {
        return queryRedemptions("SELECT " + REDEMPTION_COLUMNS
                + " FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq"
                + " WHERE s.status = 'PENDING' AND s.next_attempt_at <= ?" + onChain(chainId, "r.chain_id")
                + " ORDER BY s.deadline, s.redemption_seq LIMIT ?", now.toEpochMilli(), limit);
    }

    @Override
    public Batch submit(SignedTransaction transaction, List<Queued> items, Instant now) {
        return submitOn(null, transaction, items, now);
    }

    private synchronized Batch submitOn(Long chainId, SignedTransaction transaction, List<Queued> items, Instant now) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one redemption");
        }
        long batchChain = chainId != null ? chainId : items.get(0).redemption().authorization().chainId();
        for (Queued item : items) {
            long itemChain = item.redemption().authorization().chainId();
            if (itemChain != batchChain) {
                throw new IllegalArgumentException("redemption " + item.sequence() + " is on chain " + itemChain
                        + ", not on chain " + batchChain + " of batch " + transaction.hash());
            }
        }
        long[] id = new long[1];
        inTransaction("submit batch " + transaction.hash(), () -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO settlement_batch (tx_hash, raw_tx, account_nonce, state, created_at, chain_id)"
                            + " VALUES (?, ?, ?, 'IN_FLIGHT', ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                bind(insert, transaction.hash(), transaction.raw(), transaction.accountNonce(), now.toEpochMilli(),
                        batchChain);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    id[0] = keys.getLong(1);
                }
            }
            insertTransaction(id[0], transaction, now);
            for (Queued item : items) {
                int changed = update("mark submitted", """
                        UPDATE settlement SET status = 'SUBMITTED', batch_id = ?, tx_hash = ?, updated_at = ?
                        WHERE redemption_seq = ? AND status = 'PENDING'
                        """, id[0], transaction.hash(), now.toEpochMilli(), item.sequence());
                if (changed != 1) {
                    throw new ItemsChangedException("redemption " + item.sequence() + " is no longer pending (voided"
                            + " meanwhile?); batch " + transaction.hash() + " not recorded");
                }
            }
        });
        return batch(id[0]);
    }

    @Override
    public Batch replace(long batchId, SignedTransaction replacement, Instant now) {
        return replaceOn(null, batchId, replacement, now);
    }

    private synchronized Batch replaceOn(Long chainId, long batchId, SignedTransaction replacement, Instant now) {
        inTransaction("replace transaction of batch " + batchId, () -> {
            if (queryLong("SELECT COUNT(*) FROM settlement_batch WHERE id = ? AND state = 'IN_FLIGHT'"
                    + onChain(chainId, "chain_id"), batchId) == 0) {
                throw new JournalException("batch " + batchId + " is not in flight"
                        + (chainId == null ? "" : " on chain " + chainId), null);
            }
            long accountNonce = queryLong("SELECT account_nonce FROM settlement_batch WHERE id = ? AND state = 'IN_FLIGHT'",
                    batchId);
            if (accountNonce != replacement.accountNonce()) {
                throw new JournalException("a replacement must use the account nonce of batch " + batchId + " ("
                        + accountNonce + "), not " + replacement.accountNonce(), null);
            }
            insertTransaction(batchId, replacement, now);
            update("point items at the replacement", "UPDATE settlement SET tx_hash = ?, updated_at = ?"
                    + " WHERE batch_id = ? AND status = 'SUBMITTED'", replacement.hash(), now.toEpochMilli(), batchId);
        });
        return batch(batchId);
    }

    private void insertTransaction(long batchId, SignedTransaction transaction, Instant now) {
        update("record transaction " + transaction.hash(), """
                INSERT INTO batch_transaction (tx_hash, batch_id, raw_tx, max_fee, priority_fee, signed_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, transaction.hash(), batchId, transaction.raw(), transaction.fees().maxFeePerGas().toString(),
                transaction.fees().maxPriorityFeePerGas().toString(), now.toEpochMilli());
    }

    @Override
    public List<Batch> inFlight() {
        return inFlightOn(null);
    }

    private synchronized List<Batch> inFlightOn(Long chainId) {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM settlement_batch WHERE state = 'IN_FLIGHT'" + onChain(chainId, "chain_id")
                        + " ORDER BY id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        } catch (SQLException e) {
            throw new JournalException("read batches in flight", e);
        }
        return ids.stream().map(this::batch).toList();
    }

    private Batch batch(long id) {
        long accountNonce = queryLong("SELECT account_nonce FROM settlement_batch WHERE id = ?", id);
        List<SentTransaction> transactions = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT tx_hash, raw_tx, max_fee, priority_fee, signed_at FROM batch_transaction
                WHERE batch_id = ? ORDER BY signed_at, rowid
                """)) {
            bind(select, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    transactions.add(new SentTransaction(rows.getString(1), rows.getString(2),
                            new SettlementChain.Fees(new BigInteger(rows.getString(3)), new BigInteger(rows.getString(4))),
                            Instant.ofEpochMilli(rows.getLong(5))));
                }
            }
        } catch (SQLException e) {
            throw new JournalException("read transactions of batch " + id, e);
        }
        List<Queued> items = queryRedemptions("SELECT " + REDEMPTION_COLUMNS + """
                FROM settlement s JOIN redemption r ON r.seq = s.redemption_seq
                WHERE s.batch_id = ? AND s.status = 'SUBMITTED' ORDER BY r.seq
                """, id);
        return new Batch(id, accountNonce, List.copyOf(transactions), items);
    }

    @Override
    public void resolvePending(long sequence, Outcome outcome, Instant now) {
        resolvePendingOn(null, sequence, outcome, now);
    }

    private synchronized void resolvePendingOn(Long chainId, long sequence, Outcome outcome, Instant now) {
        inTransaction("resolve pending redemption " + sequence, () -> {
            int changed = record(sequence, outcome, now, "status = 'PENDING'" + (chainId == null ? ""
                    : " AND redemption_seq IN (SELECT seq FROM redemption WHERE chain_id = " + chainId + ")"));
            requireOneChanged(changed, "pending redemption " + sequence);
        });
    }

    @Override
    public void complete(long batchId, Map<Long, Outcome> outcomesBySequence, Instant now) {
        completeOn(null, batchId, outcomesBySequence, now);
    }

    private synchronized void completeOn(Long chainId, long batchId, Map<Long, Outcome> outcomesBySequence,
                                         Instant now) {
        inTransaction("complete batch " + batchId, () -> {
            if (queryLong("SELECT COUNT(*) FROM settlement_batch WHERE id = ?" + onChain(chainId, "chain_id"),
                    batchId) == 0) {
                throw new JournalException("batch " + batchId + " is not"
                        + (chainId == null ? " in the journal" : " on chain " + chainId), null);
            }
            for (var entry : outcomesBySequence.entrySet()) {
                int changed = record(entry.getKey(), entry.getValue(), now, "batch_id = " + batchId
                        + " AND status = 'SUBMITTED'");
                requireOneChanged(changed, "redemption " + entry.getKey() + " of batch " + batchId);
            }
            int changed = update("close batch", "UPDATE settlement_batch SET state = 'DONE', done_at = ?"
                    + " WHERE id = ? AND state = 'IN_FLIGHT'", now.toEpochMilli(), batchId);
            requireOneChanged(changed, "batch " + batchId);
        });
    }

    /** Writes one outcome, guarded by the item's expected prior state; blocks the payer when they are at fault. */
    private int record(long sequence, Outcome outcome, Instant now, String expectedState) {
        long at = now.toEpochMilli();
        String guard = " WHERE redemption_seq = ? AND " + expectedState;
        int changed;
        boolean payerAtFault;
        String reason;
        if (outcome instanceof Outcome.Settled settled) {
            changed = update("record settled", "UPDATE settlement SET status = 'SETTLED', reason = NULL, tx_hash = ?,"
                    + " settled_block = ?, updated_at = ?" + guard, settled.txHash(), settled.block(), at, sequence);
            return changed;
        } else if (outcome instanceof Outcome.Failed failed) {
            changed = update("record failed", "UPDATE settlement SET status = 'FAILED', reason = ?, updated_at = ?"
                    + guard, failed.reason(), at, sequence);
            payerAtFault = failed.payerAtFault();
            reason = failed.reason();
        } else {
            Outcome.Retry retry = (Outcome.Retry) outcome;
            // Back to pending, one attempt more: the worker's backoff doubles with each, so a payer who stays short
            // of funds, or a node that keeps refusing, is asked less and less often.
            changed = update("record retry", """
                    UPDATE settlement SET status = 'PENDING', reason = ?, next_attempt_at = ?, updated_at = ?,
                      attempts = attempts + 1, batch_id = NULL, tx_hash = NULL
                    """ + guard, retry.reason(), retry.notBefore().toEpochMilli(), at, sequence);
            payerAtFault = retry.payerAtFault();
            reason = retry.reason();
        }
        if (changed == 1 && payerAtFault) {
            update("block payer", """
                    INSERT INTO blocked_payer (payer, reason, redemption_seq, since)
                    SELECT payer, ?, seq, ? FROM redemption WHERE seq = ?
                    ON CONFLICT (payer) DO NOTHING
                    """, reason, at, sequence);
        }
        return changed;
    }

    // ---- reports --------------------------------------------------------------------------------------

    @Override
    public synchronized Totals totals(Instant from, Instant to) {
        return reading("read totals", () -> reports.totals(from.toEpochMilli(), to.toEpochMilli()));
    }

    @Override
    public synchronized Optional<ZReport> lastClose() {
        return reading("read the last Z report", reports::lastClose);
    }

    @Override
    public synchronized ZReport closePeriod(Instant now) {
        ZReport[] closed = new ZReport[1];
        inTransaction("close the period", () -> closed[0] = reports.close(now.toEpochMilli()));
        return closed[0];
    }

    @Override
    public synchronized Optional<ZReport> closed(long number) {
        return reading("read Z report " + number, () -> reports.closed(number));
    }

    @Override
    public synchronized List<PayoutStatement.PurseFigures> payoutFigures(Instant from, Instant to) {
        return reading("read payout figures", () -> reports.payoutFigures(from.toEpochMilli(), to.toEpochMilli()));
    }

    @Override
    public synchronized List<PayoutStatement.SettledPayment> settledPayments(Instant from, Instant to) {
        return reading("read settled payments", () -> reports.settledPayments(from.toEpochMilli(), to.toEpochMilli()));
    }

    private interface SqlRead<T> {
        T read() throws SQLException;
    }

    private <T> T reading(String what, SqlRead<T> read) {
        try {
            return read.read();
        } catch (SQLException e) {
            throw new JournalException(what + " in " + file, e);
        }
    }

    // ---- tamper evidence ------------------------------------------------------------------------------

    /**
     * Walks the redemption chain from the first row: every row must hash to what it says and point at its
     * predecessor's hash. Empty when intact; otherwise the sequence number of the first row that does not fit.
     */
    public synchronized Optional<Long> firstBrokenLink() {
        return firstBrokenLink(connection);
    }

    /**
     * {@link #firstBrokenLink()} of a journal file opened read-only, for a self-test beside a running terminal: it
     * neither creates the file nor migrates its schema.
     */
    public static Optional<Long> firstBrokenLinkIn(Path file) {
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        readOnly.setBusyTimeout(5000);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(),
                readOnly.toProperties())) {
            return firstBrokenLink(connection);
        } catch (SQLException e) {
            throw new JournalException("cannot read journal " + file, e);
        }
    }

    private static Optional<Long> firstBrokenLink(Connection connection) {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT seq, payment_id, token, chain_id, contract, payer, payee, value, valid_after, valid_before, nonce,
                  signature, method, offline, recorded_at, prev_hash, hash FROM redemption ORDER BY seq
                """);
             ResultSet rows = select.executeQuery()) {
            String expectedPrevious = GENESIS_HASH;
            while (rows.next()) {
                String[] fields = new String[14];
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = rows.getString(i + 2);
                }
                String previous = rows.getString(16);
                if (!previous.equals(expectedPrevious) || !chainHash(previous, fields).equals(rows.getString(17))) {
                    return Optional.of(rows.getLong(1));
                }
                expectedPrevious = rows.getString(17);
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new JournalException("verify redemption chain", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            synchronized (checkpointer) {
                checkpointer.close();
            }
            connection.close();
        } catch (SQLException e) {
            throw new JournalException("close journal " + file, e);
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------------

    private String lastHash() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT hash FROM redemption ORDER BY seq DESC LIMIT 1");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getString(1) : GENESIS_HASH;
        }
    }

    static String chainHash(String previous, String[] fields) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previous.getBytes(StandardCharsets.US_ASCII));
            for (String field : fields) {
                sha256.update((byte) '\n');
                sha256.update(field.getBytes(StandardCharsets.UTF_8));
            }
            return Hex.encode(sha256.digest()).substring(2);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(String what, SqlWork work) {
        try {
            connection.setAutoCommit(false);
            try {
                work.run();
                connection.commit();
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new JournalException(what + " in " + file, e);
        }
    }

    private int update(String what, String sql, Object... arguments) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, arguments);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new JournalException(what + " in " + file, e);
        }
    }

    private long queryLong(String sql, Object... arguments) {
        return queryLongs(1, sql, arguments)[0];
    }

    /** The first row's leading {@code columns} numbers; zeros when there is no row. */
    private long[] queryLongs(int columns, String sql, Object... arguments) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, arguments);
            try (ResultSet rows = statement.executeQuery()) {
                long[] values = new long[columns];
                if (rows.next()) {
                    for (int i = 0; i < columns; i++) {
                        values[i] = rows.getLong(i + 1);
                    }
                }
                return values;
            }
        } catch (SQLException e) {
            throw new JournalException("query " + sql, e);
        }
    }

    private List<Payment> queryPayments(String sql, Object... arguments) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, arguments);
            try (ResultSet rows = statement.executeQuery()) {
                List<Payment> payments = new ArrayList<>();
                while (rows.next()) {
                    payments.add(payment(rows));
                }
                return payments;
            }
        } catch (SQLException e) {
            throw new JournalException("read payments", e);
        }
    }

    private List<Queued> queryRedemptions(String sql, Object... arguments) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, arguments);
            try (ResultSet rows = statement.executeQuery()) {
                List<Queued> queued = new ArrayList<>();
                while (rows.next()) {
                    queued.add(new Queued(rows.getLong("seq"), redemption(rows), rows.getInt("attempts"),
                            rows.getLong("search_from_block")));
                }
                return queued;
            }
        } catch (SQLException e) {
            throw new JournalException("read redemptions", e);
        }
    }

    private Payment payment(ResultSet row) throws SQLException {
        String settlementStatus = row.getString("settlement_status");
        long decidedAt = row.getLong("decided_at");
        boolean decided = !row.wasNull();
        Euros requested = new Euros(row.getLong("amount"));
        Sale sale = new Sale(requested, SaleColumns.basket(row.getString("basket")),
                SaleColumns.eligible(row.getString("eligible"), token(row.getString("token")), requested,
                        tokensBySymbol::get));
        String purse = row.getString("purse");
        return new Payment(row.getString("id"), row.getString("reference"), sale,
                PaymentStatus.valueOf(row.getString("status")),
                enumOrNull(DeclineCode.class, row.getString("decline_code")), row.getString("decline_reason"),
                Optional.ofNullable(row.getString("payer")).map(Address::new).orElse(null),
                enumOrNull(PaymentMethod.class, row.getString("method")),
                row.getInt("offline") == 1, purse == null ? null : token(purse),
                settlementStatus == null || settlementStatus.equals("VOIDED") ? null : new Payment.Settlement(SettlementStatus.valueOf(settlementStatus),
                        row.getString("tx_hash"), row.getString("reason")),
                Instant.ofEpochMilli(row.getLong("created_at")),
                decided ? Instant.ofEpochMilli(decidedAt) : null,
                nullableInt(row, "pin_tries_left"));
    }

    private Redemption redemption(ResultSet row) throws SQLException {
        var authorization = new TransferAuthorization(row.getLong("chain_id"), new Address(row.getString("contract")),
                new Address(row.getString("payer")), new Address(row.getString("payee")),
                BigInteger.valueOf(row.getLong("value")), Long.parseUnsignedLong(row.getString("valid_after")),
                Long.parseUnsignedLong(row.getString("valid_before")), new Nonce(row.getString("nonce")),
                Signature.of(Hex.decode(row.getString("signature"))));
        return new Redemption(row.getString("payment_id"), token(row.getString("token")), authorization,
                PaymentMethod.valueOf(row.getString("method")), row.getInt("offline") == 1,
                Instant.ofEpochMilli(row.getLong("recorded_at")), row.getLong("search_from_block"));
    }

    private Token token(String symbol) {
        Token token = tokensBySymbol.get(symbol);
        if (token == null) {
            throw new JournalException("journal " + file + " holds token " + symbol
                    + " which is not configured; add it back to the config to read these records", null);
        }
        return token;
    }

    private static Integer nullableInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    /** Binds in order: null, whole numbers as INTEGER, anything else as its text. */
    static void bind(PreparedStatement statement, Object... arguments) throws SQLException {
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            if (argument == null) {
                statement.setNull(i + 1, Types.NULL);
            } else if (argument instanceof Long || argument instanceof Integer) {
                statement.setLong(i + 1, ((Number) argument).longValue());
            } else {
                statement.setString(i + 1, argument.toString());
            }
        }
    }

    private static void requireOneChanged(int changed, String what) {
        if (changed != 1) {
            throw new JournalException(what + " was not in the expected state (" + changed + " rows changed)", null);
        }
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static <E extends Enum<E>> E enumOrNull(Class<E> type, String name) {
        return name == null ? null : Enum.valueOf(type, name);
    }
}
