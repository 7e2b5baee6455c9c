// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Tally;

/**
 * The payout statement as CSV (RFC 4180: CRLF line ends, a field quoted when it holds a comma, quote or line break,
 * a quote doubled). A short block of {@code key,value} lines names the merchant and the period; a blank line; then
 * the table. The file is meant for a spreadsheet, which runs a cell starting with {@code = + - @} (or a tab or
 * carriage return) as a formula: such a cell gets a leading {@code '}, so a reference or a merchant name cannot
 * smuggle one in.
 */
public final class PayoutCsv {
    static final List<String> PURSE_COLUMNS = List.of("issuer", "purse", "token_contract", "chain_id",
            "settled_count", "settled_eur", "pending_count", "pending_eur", "failed_count", "failed_eur");
    static final List<String> DETAIL_COLUMNS = List.of("payment_id", "reference", "purse", "eur", "payer", "tx_hash",
            "settled_at");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private PayoutCsv() {
    }

    /** One line per purse: what its issuer owes (settled), what is still on its way, and what failed. */
    public static String purses(PayoutStatement statement) {
        StringBuilder csv = header(statement);
        line(csv, PURSE_COLUMNS);
        for (PayoutStatement.PurseLine purse : statement.purses()) {
            Tally settled = purse.figures().settled();
            Tally pending = purse.figures().pending();
            Tally failed = purse.figures().failed();
            line(csv, List.of(purse.issuerName(), purse.purse().symbol(), purse.purse().contract().hex(),
                    Long.toString(purse.purse().chainId()), Long.toString(settled.count()),
                    settled.euros().toDecimalString(), Long.toString(pending.count()),
                    pending.euros().toDecimalString(), Long.toString(failed.count()),
                    failed.euros().toDecimalString()));
        }
        return csv.toString();
    }

    /** One line per settled payment behind the statement. */
    public static String detail(PayoutStatement statement) {
        StringBuilder csv = header(statement);
        line(csv, DETAIL_COLUMNS);
        for (PayoutStatement.SettledPayment payment : statement.settled()) {
            line(csv, List.of(payment.paymentId(), payment.reference(), payment.purse().symbol(),
                    payment.euros().toDecimalString(), payment.payer().hex(),
                    payment.txHash() == null ? "" : payment.txHash(), payment.settledAt().toString()));
        }
        return csv.toString();
    }

    /** {@code payout-20261101T000000Z-20261201T000000Z.csv}: the period in a form every file system takes. */
    public static String fileName(PayoutStatement statement, boolean detail) {
        return "payout-" + FILE_TIME.format(statement.from()) + "-" + FILE_TIME.format(statement.to())
                + (detail ? "-detail" : "") + ".csv";
    }

    public static String field(String value) {
        String safe = value;
        if (!safe.isEmpty() && "=+-@\t\r".indexOf(safe.charAt(0)) >= 0) {
            safe = "'" + safe;
        }
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    private static StringBuilder header(PayoutStatement statement) {
        StringBuilder csv = new StringBuilder();
        line(csv, List.of("merchant", statement.merchant().name().orElse("")));
        line(csv, List.of("kvk", statement.merchant().kvk().orElse("")));
        line(csv, List.of("merchant_address", statement.merchant().address().hex()));
        line(csv, List.of("from", statement.from().toString()));
        line(csv, List.of("to", statement.to().toString()));
        csv.append("\r\n");
        return csv;
    }

    private static void line(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(fields.get(i)));
        }
        csv.append("\r\n");
    }
}
