// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Tally;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;

/**
 * The report queries of {@link SqliteJournal}, on its connection and under its lock (the journal calls these from
 * its synchronized methods only). Times are the journal's epoch milliseconds.
 */
final class SqliteReports {
    private final Connection connection;
    private final Function<String, Token> token;

    SqliteReports(Connection connection, Function<String, Token> token) {
        this.connection = connection;
        this.token = token;
    }

    Totals totals(long from, long to) throws SQLException {
        Totals.Builder totals = new Totals.Builder();
        try (PreparedStatement select = prepare("""
                SELECT p.purse, p.status, p.offline, p.amount, r.value, s.status AS settlement_status
                FROM payment p
                LEFT JOIN redemption r ON r.payment_id = p.id
                LEFT JOIN settlement s ON s.redemption_seq = r.seq
                WHERE p.decided_at >= ? AND p.decided_at < ? AND p.status != 'WAITING'
                """, from, to);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String symbol = rows.getString("purse");
                Token purse = symbol == null ? null : token.apply(symbol);
                PaymentStatus status = PaymentStatus.valueOf(rows.getString("status"));
                String settlement = rows.getString("settlement_status");
                boolean approved = status == PaymentStatus.APPROVED;
                totals.add(purse, status, approved ? SettlementStatus.valueOf(settlement) : null,
                        rows.getInt("offline") == 1, new Euros(rows.getLong("amount")),
                        approved ? new Money(rows.getLong("value"), purse) : null);
            }
        }
        return totals.build();
    }

    Optional<ZReport> lastClose() throws SQLException {
        return closed("SELECT number, from_at, to_at, closed_at FROM z_report ORDER BY number DESC LIMIT 1");
    }

    Optional<ZReport> closed(long number) throws SQLException {
        return closed("SELECT number, from_at, to_at, closed_at FROM z_report WHERE number = ?", number);
    }

    /** To be called inside a transaction: the number, the period and its lines are written together or not at all. */
    ZReport close(long now) throws SQLException {
        Optional<ZReport> last = lastClose();
        long number = last.map(z -> z.number() + 1).orElse(1L);
        long from = last.isPresent() ? last.get().to().toEpochMilli() : firstPayment().orElse(now);
        // A clock set back must not make a period end before it starts: it is then empty, and the next one picks up.
        long to = Math.max(now, from);
        Totals totals = totals(from, to);
        execute("INSERT INTO z_report (number, from_at, to_at, closed_at) VALUES (?, ?, ?, ?)", number, from, to, now);
        for (Totals.PurseTotals purse : totals.purses()) {
            for (Map.Entry<Totals.Figure, Tally> line : purse.figures().entrySet()) {
                execute("""
                        INSERT INTO z_report_line (number, purse, decimals, figure, count, cents, units)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, number, purse.symbol(), purse.decimals(), line.getKey().name(), line.getValue().count(),
                        line.getValue().cents(), line.getValue().units());
            }
        }
        return new ZReport(number, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), Instant.ofEpochMilli(now),
                totals);
    }

    List<PayoutStatement.PurseFigures> payoutFigures(long from, long to) throws SQLException {
        Map<String, Tally> settled = sumsByPurse("s.status = 'SETTLED' AND s.updated_at >= ? AND s.updated_at < ?",
                from, to);
        Map<String, Tally> pending = sumsByPurse("s.status IN ('PENDING','SUBMITTED') AND r.recorded_at < ?", to);
        Map<String, Tally> failed = sumsByPurse("s.status = 'FAILED' AND s.updated_at >= ? AND s.updated_at < ?",
                from, to);
        Map<String, Boolean> purses = new LinkedHashMap<>();
        settled.keySet().forEach(p -> purses.put(p, true));
        pending.keySet().forEach(p -> purses.put(p, true));
        failed.keySet().forEach(p -> purses.put(p, true));
        List<PayoutStatement.PurseFigures> figures = new ArrayList<>();
        for (String symbol : purses.keySet()) {
            figures.add(new PayoutStatement.PurseFigures(token.apply(symbol), settled.getOrDefault(symbol, Tally.ZERO),
                    pending.getOrDefault(symbol, Tally.ZERO), failed.getOrDefault(symbol, Tally.ZERO)));
        }
        return figures;
    }

    List<PayoutStatement.SettledPayment> settledPayments(long from, long to) throws SQLException {
        try (PreparedStatement select = prepare("""
                SELECT p.id, p.reference, r.token, r.value, r.payer, s.tx_hash, s.updated_at
                FROM settlement s
                JOIN redemption r ON r.seq = s.redemption_seq
                JOIN payment p ON p.id = r.payment_id
                WHERE s.status = 'SETTLED' AND s.updated_at >= ? AND s.updated_at < ?
                ORDER BY s.updated_at, r.seq
                """, from, to);
             ResultSet rows = select.executeQuery()) {
            List<PayoutStatement.SettledPayment> settled = new ArrayList<>();
            while (rows.next()) {
                Token purse = token.apply(rows.getString("token"));
                settled.add(new PayoutStatement.SettledPayment(rows.getString("id"), rows.getString("reference"), purse,
                        Euros.of(new Money(rows.getLong("value"), purse)), new Address(rows.getString("payer")),
                        rows.getString("tx_hash"), Instant.ofEpochMilli(rows.getLong("updated_at"))));
            }
            return settled;
        }
    }

    private Map<String, Tally> sumsByPurse(String where, Object... arguments) throws SQLException {
        try (PreparedStatement select = prepare("SELECT r.token, COUNT(*), SUM(r.value) FROM settlement s"
                + " JOIN redemption r ON r.seq = s.redemption_seq WHERE " + where
                + " GROUP BY r.token ORDER BY r.token",
                arguments);
             ResultSet rows = select.executeQuery()) {
            Map<String, Tally> sums = new LinkedHashMap<>();
            while (rows.next()) {
                Token purse = token.apply(rows.getString(1));
                long units = rows.getLong(3);
                sums.put(purse.symbol(), new Tally(rows.getLong(2), Euros.of(new Money(units, purse)).cents(), units));
            }
            return sums;
        }
    }

    private Optional<Long> firstPayment() throws SQLException {
        try (PreparedStatement select = prepare("SELECT MIN(created_at) FROM payment");
             ResultSet rows = select.executeQuery()) {
            long first = rows.next() ? rows.getLong(1) : 0;
            return rows.wasNull() ? Optional.empty() : Optional.of(first);
        }
    }

    private Optional<ZReport> closed(String sql, Object... arguments) throws SQLException {
        long number;
        Instant from;
        Instant to;
        Instant closedAt;
        try (PreparedStatement select = prepare(sql, arguments); ResultSet rows = select.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            number = rows.getLong("number");
            from = Instant.ofEpochMilli(rows.getLong("from_at"));
            to = Instant.ofEpochMilli(rows.getLong("to_at"));
            closedAt = Instant.ofEpochMilli(rows.getLong("closed_at"));
        }
        // The lines as kept: a purse since taken out of the config still reads, by the symbol and decimals stored.
        Totals.Builder totals = new Totals.Builder();
        try (PreparedStatement select = prepare("SELECT purse, decimals, figure, count, cents, units FROM z_report_line"
                + " WHERE number = ? ORDER BY rowid", number);
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                totals.restore(rows.getString("purse"), rows.getInt("decimals"),
                        Totals.Figure.valueOf(rows.getString("figure")),
                        new Tally(rows.getLong("count"), rows.getLong("cents"), rows.getLong("units")));
            }
        }
        return Optional.of(new ZReport(number, from, to, closedAt, totals.build()));
    }

    private void execute(String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = prepare(sql, arguments)) {
            statement.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql, Object... arguments) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            SqliteJournal.bind(statement, arguments);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
