// SPDX-License-Identifier: EUPL-1.2
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
                    + " WHERE offline = 1"),
            // 3: what offline approvals stand open, kept by triggers in the same transactions that change it, so
            // the offline limits cost one row read however long the network has been gone
            List.of(
                    """
                    CREATE TABLE offline_exposure (
                      token      TEXT    PRIMARY KEY,
                      open_units INTEGER NOT NULL CHECK (open_units >= 0),
                      open_count INTEGER NOT NULL CHECK (open_count >= 0)
                    )
                    """,
                    """
                    INSERT INTO offline_exposure (token, open_units, open_count)
                      SELECT r.token, SUM(r.value), COUNT(*) FROM redemption r JOIN settlement s ON s.redemption_seq = r.seq
                      WHERE r.offline = 1 AND s.status IN ('PENDING','SUBMITTED') GROUP BY r.token
                    """,
                    """
                    CREATE TRIGGER offline_exposure_opens AFTER INSERT ON settlement
                      WHEN NEW.status IN ('PENDING','SUBMITTED')
                        AND (SELECT offline FROM redemption WHERE seq = NEW.redemption_seq) = 1
                      BEGIN
                        INSERT INTO offline_exposure (token, open_units, open_count)
                          SELECT token, value, 1 FROM redemption WHERE seq = NEW.redemption_seq
                          ON CONFLICT (token) DO UPDATE SET open_units = open_units + excluded.open_units,
                                                            open_count = open_count + 1;
                      END
                    """,
                    """
                    CREATE TRIGGER offline_exposure_closes AFTER UPDATE OF status ON settlement
                      WHEN OLD.status IN ('PENDING','SUBMITTED') AND NEW.status NOT IN ('PENDING','SUBMITTED')
                        AND (SELECT offline FROM redemption WHERE seq = NEW.redemption_seq) = 1
                      BEGIN
                        UPDATE offline_exposure
                          SET open_units = open_units - (SELECT value FROM redemption WHERE seq = NEW.redemption_seq),
                              open_count = open_count - 1
                          WHERE token = (SELECT token FROM redemption WHERE seq = NEW.redemption_seq);
                      END
                    """),
            // 4: settlement you can trust. Where a log search starts, when an item is due (validBefore first, a
            // backoff after a fault), every transaction of a batch (a stuck one is replaced at the same account
            // nonce), and the payers this terminal no longer accepts.
            List.of(
                    "ALTER TABLE settlement ADD COLUMN search_from_block INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE settlement ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0",
                    // validBefore as a sortable integer; SQLite saturates a uint64 beyond 2^63 to the largest one
                    "ALTER TABLE settlement ADD COLUMN deadline INTEGER NOT NULL DEFAULT 0",
                    """
                    UPDATE settlement SET deadline =
                      (SELECT CAST(r.valid_before AS INTEGER) FROM redemption r WHERE r.seq = settlement.redemption_seq)
                    """,
                    "CREATE INDEX settlement_due ON settlement(deadline, redemption_seq) WHERE status = 'PENDING'",
                    """
                    CREATE TABLE batch_transaction (
                      tx_hash       TEXT    PRIMARY KEY,
                      batch_id      INTEGER NOT NULL REFERENCES settlement_batch(id),
                      raw_tx        TEXT    NOT NULL,
                      max_fee       TEXT    NOT NULL,
                      priority_fee  TEXT    NOT NULL,
                      signed_at     INTEGER NOT NULL
                    )
                    """,
                    "CREATE INDEX batch_transaction_by_batch ON batch_transaction(batch_id, signed_at)",
                    """
                    INSERT INTO batch_transaction (tx_hash, batch_id, raw_tx, max_fee, priority_fee, signed_at)
                      SELECT tx_hash, id, raw_tx, '0', '0', created_at FROM settlement_batch
                    """,
                    """
                    CREATE TABLE blocked_payer (
                      payer          TEXT    PRIMARY KEY,
                      reason         TEXT    NOT NULL,
                      redemption_seq INTEGER NOT NULL REFERENCES redemption(seq),
                      since          INTEGER NOT NULL
                    )
                    """),
            // 5: a failed offline redemption is a loss, and keeps counting against the offline exposure until a
            // manager acknowledges it; otherwise "cut the network, spend the limit, reconnect, fail" could repeat at
            // once. Failures recorded before this step had already left the exposure: they count as acknowledged.
            List.of(
                    "ALTER TABLE settlement ADD COLUMN loss_acknowledged_at INTEGER",
                    "UPDATE settlement SET loss_acknowledged_at = updated_at WHERE status = 'FAILED'",
                    "DROP TRIGGER offline_exposure_closes",
                    """
                    CREATE TRIGGER offline_exposure_closes_when_settled AFTER UPDATE OF status ON settlement
                      WHEN OLD.status IN ('PENDING','SUBMITTED') AND NEW.status = 'SETTLED'
                        AND (SELECT offline FROM redemption WHERE seq = NEW.redemption_seq) = 1
                      BEGIN
                        UPDATE offline_exposure
                          SET open_units = open_units - (SELECT value FROM redemption WHERE seq = NEW.redemption_seq),
                              open_count = open_count - 1
                          WHERE token = (SELECT token FROM redemption WHERE seq = NEW.redemption_seq);
                      END
                    """,
                    """
                    CREATE TRIGGER offline_exposure_closes_when_loss_acknowledged
                      AFTER UPDATE OF loss_acknowledged_at ON settlement
                      WHEN OLD.loss_acknowledged_at IS NULL AND NEW.loss_acknowledged_at IS NOT NULL
                        AND NEW.status = 'FAILED'
                        AND (SELECT offline FROM redemption WHERE seq = NEW.redemption_seq) = 1
                      BEGIN
                        UPDATE offline_exposure
                          SET open_units = open_units - (SELECT value FROM redemption WHERE seq = NEW.redemption_seq),
                              open_count = open_count - 1
                          WHERE token = (SELECT token FROM redemption WHERE seq = NEW.redemption_seq);
                      END
                    """),
            // 6: the block a settlement landed in. The holder snapshot trails the chain; until it reaches that block,
            // the settled payment is in neither the snapshot nor the unsettled total, and must still be counted.
            // Each payer's open total is kept by triggers, like the offline exposure, so the funds rules cost one row
            // read however long a payer's history; settlements recorded before this step count as long past.
            List.of(
                    "ALTER TABLE settlement ADD COLUMN settled_block INTEGER",
                    "UPDATE settlement SET settled_block = 0 WHERE status = 'SETTLED'",
                    "CREATE INDEX settlement_settled_after ON settlement(settled_block) WHERE status = 'SETTLED'",
                    """
                    CREATE TABLE payer_open (
                      payer      TEXT    NOT NULL,
                      token      TEXT    NOT NULL,
                      open_units INTEGER NOT NULL CHECK (open_units >= 0),
                      PRIMARY KEY (payer, token)
                    )
                    """,
                    """
                    INSERT INTO payer_open (payer, token, open_units)
                      SELECT r.payer, r.token, SUM(r.value) FROM redemption r JOIN settlement s ON s.redemption_seq = r.seq
                      WHERE s.status IN ('PENDING','SUBMITTED') GROUP BY r.payer, r.token
                    """,
                    """
                    CREATE TRIGGER payer_open_opens AFTER INSERT ON settlement
                      WHEN NEW.status IN ('PENDING','SUBMITTED')
                      BEGIN
                        INSERT INTO payer_open (payer, token, open_units)
                          SELECT payer, token, value FROM redemption WHERE seq = NEW.redemption_seq
                          ON CONFLICT (payer, token) DO UPDATE SET open_units = open_units + excluded.open_units;
                      END
                    """,
                    """
                    CREATE TRIGGER payer_open_closes AFTER UPDATE OF status ON settlement
                      WHEN OLD.status IN ('PENDING','SUBMITTED') AND NEW.status NOT IN ('PENDING','SUBMITTED')
                      BEGIN
                        UPDATE payer_open
                          SET open_units = open_units - (SELECT value FROM redemption WHERE seq = NEW.redemption_seq)
                          WHERE (payer, token) = (SELECT payer, token FROM redemption WHERE seq = NEW.redemption_seq);
                      END
                    """),
            // 7: a signing card's PIN tries left, kept with a WRONG_PIN decline so the till and staff can tell the
            // citizen how many remain.
            List.of("ALTER TABLE payment ADD COLUMN pin_tries_left INTEGER"),
            // 8: purses. A sale is asked in euro cents (payment.amount, which for the journals written before purses
            // held Heitje units: two decimals, so cents already), offered to purses with what each may pay of it
            // (eligible, "SYMBOL:cents,..." in order; NULL before: the one token, all of it), maybe with a basket
            // ("category:cents,..."), paid by one purse (purse; payment.token keeps the first purse offered), and a
            // decline may say why beyond its code.
            List.of("ALTER TABLE payment ADD COLUMN purse TEXT",
                    "UPDATE payment SET purse = token",
                    "ALTER TABLE payment ADD COLUMN eligible TEXT",
                    "ALTER TABLE payment ADD COLUMN basket TEXT",
                    "ALTER TABLE payment ADD COLUMN decline_reason TEXT"),
            // 9: the chain a batch was sent on. Each chain settles apart, with its own node, account nonces and
            // worker, so a batch is only ever looked after by its own chain's worker. A batch from before this step
            // is on its items' chain; one whose items all went back to pending was sent on the one chain the
            // terminal then had, the first token's: SqliteJournal.open fills that in.
            List.of("ALTER TABLE settlement_batch ADD COLUMN chain_id INTEGER",
                    """
                    UPDATE settlement_batch SET chain_id = (SELECT r.chain_id FROM settlement s
                      JOIN redemption r ON r.seq = s.redemption_seq WHERE s.batch_id = settlement_batch.id LIMIT 1)
                    """,
                    "CREATE INDEX settlement_batch_in_flight ON settlement_batch(chain_id, id) WHERE state = 'IN_FLIGHT'"),
            // 10: reports. A payment counts in the period it was decided in, a payout in the period its settlement
            // completed in; both are found by index. Closed periods (Z reports) are kept for good, numbered without
            // gaps, with their totals as lines: the figure per purse, its count, euro cents and purse units.
            List.of("CREATE INDEX payment_by_decided ON payment(decided_at) WHERE decided_at IS NOT NULL",
                    "CREATE INDEX settlement_by_completion ON settlement(status, updated_at)",
                    """
                    CREATE TABLE z_report (
                      number    INTEGER PRIMARY KEY CHECK (number >= 1),
                      from_at   INTEGER NOT NULL,
                      to_at     INTEGER NOT NULL CHECK (to_at >= from_at),
                      closed_at INTEGER NOT NULL
                    )
                    """,
                    """
                    CREATE TRIGGER z_report_numbers_have_no_gaps BEFORE INSERT ON z_report
                      WHEN NEW.number != (SELECT COALESCE(MAX(number), 0) + 1 FROM z_report)
                      BEGIN SELECT RAISE(ABORT, 'Z reports are numbered without gaps'); END
                    """,
                    """
                    CREATE TABLE z_report_line (
                      number   INTEGER NOT NULL REFERENCES z_report(number),
                      purse    TEXT,
                      decimals INTEGER NOT NULL,
                      figure   TEXT    NOT NULL,
                      count    INTEGER NOT NULL CHECK (count >= 0),
                      cents    INTEGER NOT NULL CHECK (cents >= 0),
                      units    INTEGER NOT NULL CHECK (units >= 0)
                    )
                    """,
                    "CREATE INDEX z_report_line_by_number ON z_report_line(number)",
                    """
                    CREATE TRIGGER z_report_is_append_only_update BEFORE UPDATE ON z_report
                      BEGIN SELECT RAISE(ABORT, 'Z reports are kept as closed'); END
                    """,
                    """
                    CREATE TRIGGER z_report_is_append_only_delete BEFORE DELETE ON z_report
                      BEGIN SELECT RAISE(ABORT, 'Z reports are kept as closed'); END
                    """,
                    """
                    CREATE TRIGGER z_report_line_is_append_only_update BEFORE UPDATE ON z_report_line
                      BEGIN SELECT RAISE(ABORT, 'Z reports are kept as closed'); END
                    """,
                    """
                    CREATE TRIGGER z_report_line_is_append_only_delete BEFORE DELETE ON z_report_line
                      BEGIN SELECT RAISE(ABORT, 'Z reports are kept as closed'); END
                    """),
            // 11: voids (VoidSchema): payment and settlement rebuilt with the status VOIDED, and the voids kept.
            VoidSchema.STEP);

    private Migrations() {
    }

    static int latestVersion() {
        return STEPS.size();
    }

    /** The schema as it was at {@code version}: for tests of an upgrade from a terminal in the field. */
    static List<List<String>> stepsUpTo(int version) {
        return STEPS.subList(0, version);
    }

    static void apply(Connection connection) throws SQLException {
        apply(connection, STEPS, current -> "journal schema version " + current + " is newer than this terminal ("
                + STEPS.size() + "); refusing to touch it");
    }

    /**
     * Brings a database up to the last of {@code steps}, one transaction per step, counted in {@code user_version};
     * a database newer than the steps is refused with {@code tooNew}'s words.
     */
    static void apply(Connection connection, List<List<String>> steps, java.util.function.IntFunction<String> tooNew)
            throws SQLException {
        int current;
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("PRAGMA user_version")) {
            current = rows.next() ? rows.getInt(1) : 0;
        }
        if (current > steps.size()) {
            throw new JournalException(tooNew.apply(current), null);
        }
        for (int version = current; version < steps.size(); version++) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : steps.get(version)) {
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
