// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.HolderSnapshotStore;

/**
 * The holder snapshot in a SQLite file of its own beside the journal ({@code snapshot.db}), not in the journal:
 * <ul>
 *   <li>a first sync writes tens of thousands of rows in one transaction; in the journal's file that commit would
 *       hold SQLite's single write lock and a payment's approval at the counter would wait behind it;</li>
 *   <li>it is a cache of the chain, rebuilt from the logs at any time, while the journal is the record of money
 *       taken: deleting the snapshot (e.g. after a reorganisation deeper than the confirmation depth) must not
 *       touch the journal, and backing up the journal need not carry it;</li>
 *   <li>so it can commit with {@code synchronous=NORMAL}: in WAL mode a power cut may lose the last commits but
 *       never splits one, and a lost commit only means the next sync reads those blocks again.</li>
 * </ul>
 * Balances and the block they reach are written in one transaction ({@link #advance}), so the snapshot never
 * counts a block twice. Balances are decimal text: a uint256 does not fit SQLite's 64-bit integers.
 */
public final class SqliteHolderSnapshot implements HolderSnapshotStore, AutoCloseable {
    /** Schema steps, counted in {@code user_version}; only ever appended. */
    private static final List<List<String>> STEPS = List.of(
            // 1: per token (chain id + contract, so a symbol re-pointed at another contract starts afresh), how far
            // the snapshot reaches, and every holder an event named
            List.of(
                    """
                    CREATE TABLE coverage (
                      chain_id   INTEGER NOT NULL,
                      contract   TEXT    NOT NULL,
                      block      INTEGER NOT NULL CHECK (block >= 0),
                      block_hash TEXT    NOT NULL,
                      block_time INTEGER NOT NULL,
                      synced_at  INTEGER NOT NULL,
                      PRIMARY KEY (chain_id, contract)
                    )
                    """,
                    """
                    CREATE TABLE balance (
                      chain_id INTEGER NOT NULL,
                      contract TEXT    NOT NULL,
                      holder   TEXT    NOT NULL,
                      units    TEXT    NOT NULL,
                      PRIMARY KEY (chain_id, contract, holder)
                    ) WITHOUT ROWID
                    """));

    private final Path file;
    /** Reads on the payment path; WAL lets them run while a sync writes on the other connection. */
    private final Connection reader;
    private final Connection writer;

    private SqliteHolderSnapshot(Path file, Connection reader, Connection writer) {
        this.file = file;
        this.reader = reader;
        this.writer = writer;
    }

    /** Opens (creating if needed) the snapshot file and brings its schema up to date. */
    public static SqliteHolderSnapshot open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection writer = connect(file);
            try (Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
            }
            migrate(writer, file);
            return new SqliteHolderSnapshot(file, connect(file), writer);
        } catch (SQLException | java.io.IOException e) {
            throw new JournalException("cannot open holder snapshot " + file, e);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute("PRAGMA busy_timeout=5000");
        }
        return connection;
    }

    private static void migrate(Connection connection, Path file) throws SQLException {
        Migrations.apply(connection, STEPS, current -> "holder snapshot " + file + " has schema version " + current
                + ", newer than this terminal (" + STEPS.size() + "); delete it to rebuild it from the chain");
    }

    @Override
    public Optional<BigInteger> balanceOf(Token token, Address holder) {
        synchronized (reader) {
            try (PreparedStatement select = reader.prepareStatement(
                    "SELECT units FROM balance WHERE chain_id = ? AND contract = ? AND holder = ?")) {
                select.setLong(1, token.chainId());
                select.setString(2, token.contract().hex());
                select.setString(3, holder.hex());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new BigInteger(rows.getString(1))) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new JournalException("read snapshot balance of " + holder + " from " + file, e);
            }
        }
    }

    @Override
    public Optional<Coverage> coverage(Token token) {
        synchronized (reader) {
            return coverage(reader, token);
        }
    }

    /** How many holders the snapshot of this token knows. */
    public long holders(Token token) {
        synchronized (reader) {
            try (PreparedStatement select = reader.prepareStatement(
                    "SELECT COUNT(*) FROM balance WHERE chain_id = ? AND contract = ?")) {
                select.setLong(1, token.chainId());
                select.setString(2, token.contract().hex());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0;
                }
            } catch (SQLException e) {
                throw new JournalException("count snapshot holders in " + file, e);
            }
        }
    }

    private Optional<Coverage> coverage(Connection connection, Token token) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT block, block_hash, block_time, synced_at FROM coverage WHERE chain_id = ? AND contract = ?")) {
            select.setLong(1, token.chainId());
            select.setString(2, token.contract().hex());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Coverage(rows.getLong(1), rows.getString(2),
                                Instant.ofEpochSecond(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4))))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JournalException("read snapshot coverage from " + file, e);
        }
    }

    @Override
    public void advance(Token token, OptionalLong expectedBlock, Map<Address, BigInteger> changes, Coverage next) {
        synchronized (writer) {
            try {
                writer.setAutoCommit(false);
                try {
                    OptionalLong current = coverage(writer, token).map(c -> OptionalLong.of(c.block()))
                            .orElse(OptionalLong.empty());
                    if (!current.equals(expectedBlock)) {
                        throw new IllegalStateException("holder snapshot of " + token.symbol() + " reaches "
                                + describe(current) + ", not " + describe(expectedBlock) + "; not applying blocks up to "
                                + next.block());
                    }
                    if (current.isPresent() && next.block() <= current.getAsLong()) {
                        throw new IllegalStateException("holder snapshot of " + token.symbol() + " cannot move from block "
                                + current.getAsLong() + " back to " + next.block());
                    }
                    applyChanges(token, changes);
                    try (PreparedStatement upsert = writer.prepareStatement("""
                            INSERT INTO coverage (chain_id, contract, block, block_hash, block_time, synced_at)
                            VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT (chain_id, contract) DO UPDATE SET block = excluded.block,
                              block_hash = excluded.block_hash, block_time = excluded.block_time,
                              synced_at = excluded.synced_at
                            """)) {
                        upsert.setLong(1, token.chainId());
                        upsert.setString(2, token.contract().hex());
                        upsert.setLong(3, next.block());
                        upsert.setString(4, next.blockHash());
                        upsert.setLong(5, next.blockTime().getEpochSecond());
                        upsert.setLong(6, next.syncedAt().toEpochMilli());
                        upsert.executeUpdate();
                    }
                    writer.commit();
                } catch (SQLException | RuntimeException failed) {
                    writer.rollback();
                    throw failed;
                } finally {
                    writer.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new JournalException("commit holder snapshot of " + token.symbol() + " up to block "
                        + next.block() + " in " + file, e);
            }
        }
    }

    /** Reads each changed holder's balance and writes the sum back: BigInteger arithmetic, not SQLite's int64. */
    private void applyChanges(Token token, Map<Address, BigInteger> changes) throws SQLException {
        try (PreparedStatement select = writer.prepareStatement(
                "SELECT units FROM balance WHERE chain_id = ? AND contract = ? AND holder = ?");
             PreparedStatement upsert = writer.prepareStatement("""
                     INSERT INTO balance (chain_id, contract, holder, units) VALUES (?, ?, ?, ?)
                     ON CONFLICT (chain_id, contract, holder) DO UPDATE SET units = excluded.units
                     """)) {
            select.setLong(1, token.chainId());
            select.setString(2, token.contract().hex());
            upsert.setLong(1, token.chainId());
            upsert.setString(2, token.contract().hex());
            for (var change : changes.entrySet()) {
                select.setString(3, change.getKey().hex());
                BigInteger before;
                try (ResultSet rows = select.executeQuery()) {
                    before = rows.next() ? new BigInteger(rows.getString(1)) : BigInteger.ZERO;
                }
                upsert.setString(3, change.getKey().hex());
                upsert.setString(4, before.add(change.getValue()).toString());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static String describe(OptionalLong block) {
        return block.isPresent() ? "block " + block.getAsLong() : "no block (not started)";
    }

    @Override
    public void close() {
        try {
            synchronized (reader) {
                reader.close();
            }
            synchronized (writer) {
                writer.close();
            }
        } catch (SQLException e) {
            throw new JournalException("close holder snapshot " + file, e);
        }
    }
}
