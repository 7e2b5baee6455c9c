// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import java.util.List;

/**
 * The journal step that brings voids: a manager may undo an approval whose redemption is still pending. SQLite
 * cannot alter a CHECK constraint, so {@code payment} (status VOIDED) and {@code settlement} (status VOIDED) are
 * rebuilt, each with every index and trigger it had. The step runs with foreign keys off (see
 * {@link SqliteJournal#open}), as SQLite's own procedure for a table rebuild asks, and the keys are checked after.
 * The redemption row stays as it was: the hash chain is append-only, and the void is recorded beside it.
 */
final class VoidSchema {
    private VoidSchema() {
    }

    private static final String OFFLINE_VALUE = "(SELECT value FROM redemption WHERE seq = NEW.redemption_seq)";
    private static final String OFFLINE_TOKEN = "(SELECT token FROM redemption WHERE seq = NEW.redemption_seq)";
    private static final String IS_OFFLINE = "(SELECT offline FROM redemption WHERE seq = NEW.redemption_seq) = 1";

    static final List<String> STEP = List.of(
            """
            CREATE TABLE payment_rebuilt (
              id             TEXT PRIMARY KEY,
              reference      TEXT    NOT NULL,
              amount         INTEGER NOT NULL CHECK (amount >= 0),
              token          TEXT    NOT NULL,
              status         TEXT    NOT NULL
                               CHECK (status IN ('WAITING','APPROVED','DECLINED','CANCELLED','EXPIRED','VOIDED')),
              decline_code   TEXT,
              payer          TEXT,
              method         TEXT,
              offline        INTEGER NOT NULL DEFAULT 0,
              created_at     INTEGER NOT NULL,
              decided_at     INTEGER,
              pin_tries_left INTEGER,
              purse          TEXT,
              eligible       TEXT,
              basket         TEXT,
              decline_reason TEXT
            )
            """,
            """
            INSERT INTO payment_rebuilt (id, reference, amount, token, status, decline_code, payer, method, offline,
                                         created_at, decided_at, pin_tries_left, purse, eligible, basket, decline_reason)
              SELECT id, reference, amount, token, status, decline_code, payer, method, offline,
                     created_at, decided_at, pin_tries_left, purse, eligible, basket, decline_reason FROM payment
            """,
            "DROP TABLE payment",
            "ALTER TABLE payment_rebuilt RENAME TO payment",
            "CREATE INDEX payment_by_reference ON payment(reference, created_at)",
            "CREATE INDEX payment_by_created ON payment(created_at)",
            "CREATE INDEX payment_waiting ON payment(status) WHERE status = 'WAITING'",
            "CREATE INDEX payment_by_decided ON payment(decided_at) WHERE decided_at IS NOT NULL",
            """
            CREATE TABLE settlement_rebuilt (
              redemption_seq       INTEGER PRIMARY KEY REFERENCES redemption(seq),
              status               TEXT    NOT NULL
                                     CHECK (status IN ('PENDING','SUBMITTED','SETTLED','FAILED','VOIDED')),
              batch_id             INTEGER REFERENCES settlement_batch(id),
              attempts             INTEGER NOT NULL DEFAULT 0,
              tx_hash              TEXT,
              reason               TEXT,
              updated_at           INTEGER NOT NULL,
              search_from_block    INTEGER NOT NULL DEFAULT 0,
              next_attempt_at      INTEGER NOT NULL DEFAULT 0,
              deadline             INTEGER NOT NULL DEFAULT 0,
              loss_acknowledged_at INTEGER,
              settled_block        INTEGER
            )
            """,
            """
            INSERT INTO settlement_rebuilt (redemption_seq, status, batch_id, attempts, tx_hash, reason, updated_at,
                                            search_from_block, next_attempt_at, deadline, loss_acknowledged_at,
                                            settled_block)
              SELECT redemption_seq, status, batch_id, attempts, tx_hash, reason, updated_at, search_from_block,
                     next_attempt_at, deadline, loss_acknowledged_at, settled_block FROM settlement
            """,
            "DROP TABLE settlement",
            "ALTER TABLE settlement_rebuilt RENAME TO settlement",
            "CREATE INDEX settlement_open ON settlement(status) WHERE status IN ('PENDING','SUBMITTED')",
            "CREATE INDEX settlement_due ON settlement(deadline, redemption_seq) WHERE status = 'PENDING'",
            "CREATE INDEX settlement_settled_after ON settlement(settled_block) WHERE status = 'SETTLED'",
            "CREATE INDEX settlement_by_completion ON settlement(status, updated_at)",
            "CREATE TRIGGER offline_exposure_opens AFTER INSERT ON settlement"
                    + " WHEN NEW.status IN ('PENDING','SUBMITTED') AND " + IS_OFFLINE
                    + " BEGIN"
                    + " INSERT INTO offline_exposure (token, open_units, open_count)"
                    + " SELECT token, value, 1 FROM redemption WHERE seq = NEW.redemption_seq"
                    + " ON CONFLICT (token) DO UPDATE SET open_units = open_units + excluded.open_units,"
                    + " open_count = open_count + 1;"
                    + " END",
            closesOfflineExposure("offline_exposure_closes_when_settled", "AFTER UPDATE OF status ON settlement",
                    "OLD.status IN ('PENDING','SUBMITTED') AND NEW.status = 'SETTLED'"),
            closesOfflineExposure("offline_exposure_closes_when_loss_acknowledged",
                    "AFTER UPDATE OF loss_acknowledged_at ON settlement",
                    "OLD.loss_acknowledged_at IS NULL AND NEW.loss_acknowledged_at IS NOT NULL AND NEW.status = 'FAILED'"),
            // A voided approval will never be settled and was never lost: it stops counting at once.
            closesOfflineExposure("offline_exposure_closes_when_voided", "AFTER UPDATE OF status ON settlement",
                    "OLD.status IN ('PENDING','SUBMITTED') AND NEW.status = 'VOIDED'"),
            """
            CREATE TRIGGER payer_open_opens AFTER INSERT ON settlement
              WHEN NEW.status IN ('PENDING','SUBMITTED')
              BEGIN
                INSERT INTO payer_open (payer, token, open_units)
                  SELECT payer, token, value FROM redemption WHERE seq = NEW.redemption_seq
                  ON CONFLICT (payer, token) DO UPDATE SET open_units = open_units + excluded.open_units;
              END
            """,
            // Unchanged: leaving PENDING/SUBMITTED for VOIDED closes a payer's open total like any other ending.
            """
            CREATE TRIGGER payer_open_closes AFTER UPDATE OF status ON settlement
              WHEN OLD.status IN ('PENDING','SUBMITTED') AND NEW.status NOT IN ('PENDING','SUBMITTED')
              BEGIN
                UPDATE payer_open
                  SET open_units = open_units - (SELECT value FROM redemption WHERE seq = NEW.redemption_seq)
                  WHERE (payer, token) = (SELECT payer, token FROM redemption WHERE seq = NEW.redemption_seq);
              END
            """,
            """
            CREATE TABLE IF NOT EXISTS payment_void (
              payment_id TEXT    PRIMARY KEY REFERENCES payment(id),
              reason     TEXT    NOT NULL,
              voided_at  INTEGER NOT NULL
            )
            """,
            """
            CREATE TRIGGER IF NOT EXISTS payment_void_is_append_only_update BEFORE UPDATE ON payment_void
              BEGIN SELECT RAISE(ABORT, 'voids are kept as recorded'); END
            """,
            """
            CREATE TRIGGER IF NOT EXISTS payment_void_is_append_only_delete BEFORE DELETE ON payment_void
              BEGIN SELECT RAISE(ABORT, 'voids are kept as recorded'); END
            """);

    private static String closesOfflineExposure(String name, String event, String when) {
        return "CREATE TRIGGER " + name + " " + event
                + " WHEN " + when + " AND " + IS_OFFLINE
                + " BEGIN"
                + " UPDATE offline_exposure SET open_units = open_units - " + OFFLINE_VALUE + ", open_count = open_count - 1"
                + " WHERE token = " + OFFLINE_TOKEN + ";"
                + " END";
    }
}
