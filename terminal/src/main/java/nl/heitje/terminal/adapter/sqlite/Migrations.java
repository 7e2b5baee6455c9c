package nl.heitje.terminal.adapter.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's schema, one step per version, applied in order inside a transaction and counted in SQLite's
 * {@code user_version}. Steps are only ever appended: a terminal in the field upgrades from whatever it has.
 */
final class Migrations {
    private static final List<List<String>> STEPS = List.of(
            // 1: payments, the append-only redemption chain, and the settlement queue
            List.of(
                    """
                    CREATE TABLE payment (
                      id           TEXT PRIMARY KEY,
                      reference    TEXT    NOT NULL,
                      amount       INTEGER NOT NULL CHECK (amount >= 0),
                      token        TEXT    NOT NULL,
                      status       TEXT    NOT NULL CHECK (status IN ('WAITING','APPROVED','DECLINED','CANCELLED','EXPIRED')),
                      decline_code TEXT,
                      payer        TEXT,
                      method       TEXT,
                      offline      INTEGER NOT NULL DEFAULT 0,
                      created_at   INTEGER NOT NULL,
                      decided_at   INTEGER
                    )
                    """,
                    "CREATE INDEX payment_by_reference ON payment(reference, created_at)",
                    "CREATE INDEX payment_by_created ON payment(created_at)",
                    "CREATE INDEX payment_waiting ON payment(status) WHERE status = 'WAITING'",
                    // Append-only: each row commits to the one before it by hash, so an edit or a deletion shows.
                    """
                    CREATE TABLE redemption (
                      seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                      payment_id   TEXT    NOT NULL UNIQUE REFERENCES payment(id),
                      token        TEXT    NOT NULL,
                      chain_id     INTEGER NOT NULL,
                      contract     TEXT    NOT NULL,
                      payer        TEXT    NOT NULL,
                      payee        TEXT    NOT NULL,
                      value        INTEGER NOT NULL CHECK (value > 0),
                      valid_after  TEXT    NOT NULL,
                      valid_before TEXT    NOT NULL,
                      nonce        TEXT    NOT NULL,
                      signature    TEXT    NOT NULL,
                      method       TEXT    NOT NULL,
                      offline      INTEGER NOT NULL,
                      recorded_at  INTEGER NOT NULL,
                      prev_hash    TEXT    NOT NULL,
                      hash         TEXT    NOT NULL UNIQUE,
                      UNIQUE (payer, nonce)
                    )
                    """,
                    """
                    CREATE TRIGGER redemption_is_append_only_update BEFORE UPDATE ON redemption
                      BEGIN SELECT RAISE(ABORT, 'redemptions are append-only'); END
                    """,
                    """
                    CREATE TRIGGER redemption_is_append_only_delete BEFORE DELETE ON redemption
                      BEGIN SELECT RAISE(ABORT, 'redemptions are append-only'); END
                    """,
                    """
                    CREATE TABLE settlement_batch (
                      id            INTEGER PRIMARY KEY AUTOINCREMENT,
                      tx_hash       TEXT    NOT NULL UNIQUE,
                      raw_tx        TEXT    NOT NULL,
                      account_nonce INTEGER NOT NULL,
                      state         TEXT    NOT NULL CHECK (state IN ('IN_FLIGHT','DONE')),
                      created_at    INTEGER NOT NULL,
                      done_at       INTEGER
                    )
                    """,
                    """
                    CREATE TABLE settlement (
                      redemption_seq INTEGER PRIMARY KEY REFERENCES redemption(seq),
                      status         TEXT    NOT NULL CHECK (status IN ('PENDING','SUBMITTED','SETTLED','FAILED')),
                      batch_id       INTEGER REFERENCES settlement_batch(id),
                      attempts       INTEGER NOT NULL DEFAULT 0,
                      tx_hash        TEXT,
                      reason         TEXT,
                      updated_at     INTEGER NOT NULL
                    )
                    """,
                    "CREATE INDEX settlement_open ON settlement(status) WHERE status IN ('PENDING','SUBMITTED')"),
            // 2: the per-payer daily offline limit reads that payer's offline rows of the day from the index alone
            List.of("CREATE INDEX redemption_offline_by_payer ON redemption(payer, token, recorded_at, value)"
                    + " WHERE offline = 1"));

    private Migrations() {
    }

    static int latestVersion() {
        return STEPS.size();
    }

    static void apply(Connection connection) throws SQLException {
        int current;
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("PRAGMA user_version")) {
            current = rows.next() ? rows.getInt(1) : 0;
        }
        if (current > STEPS.size()) {
            throw new JournalException("journal schema version " + current + " is newer than this terminal ("
                    + STEPS.size() + "); refusing to touch it", null);
        }
        for (int version = current; version < STEPS.size(); version++) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : STEPS.get(version)) {
                    statement.executeUpdate(sql);
                }
                statement.executeUpdate("PRAGMA user_version = " + (version + 1));
                connection.commit();
            } catch (SQLException failed) {
                connection.rollback();
                throw failed;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
