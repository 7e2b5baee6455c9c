// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Tally;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.Totals.Figure;
import nl.heitje.terminal.domain.ZReport;

/**
 * The report objects of the till API (docs/till-api.md, "Reports"). Euros are decimal strings like {@code "12.50"};
 * purse units are strings of digits, since a purse with many decimals outgrows what a JSON number holds exactly.
 */
final class ReportsJson {
    private ReportsJson() {
    }

    static Map<String, Object> totals(Instant from, Instant to, Totals totals) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("purses", totals.purses().stream().map(ReportsJson::purse).toList());
        return json;
    }

    static Map<String, Object> zReport(ZReport z) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("number", z.number());
        json.put("from", z.from().toString());
        json.put("to", z.to().toString());
        json.put("closedAt", z.closedAt().toString());
        json.put("totals", totals(z.from(), z.to(), z.totals()));
        return json;
    }

    static Map<String, Object> payout(PayoutStatement statement) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> merchant = new LinkedHashMap<>();
        merchant.put("name", statement.merchant().name().orElse(null));
        merchant.put("kvk", statement.merchant().kvk().orElse(null));
        merchant.put("address", statement.merchant().address().hex());
        json.put("merchant", merchant);
        json.put("from", statement.from().toString());
        json.put("to", statement.to().toString());
        List<Map<String, Object>> issuers = new ArrayList<>();
        statement.owedByIssuer().forEach((issuer, owed) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("issuer", issuer);
            line.put("settledCount", owed.count());
            line.put("settledEur", owed.euros().toDecimalString());
            issuers.add(line);
        });
        json.put("issuers", issuers);
        json.put("purses", statement.purses().stream().map(line -> {
            Map<String, Object> purse = new LinkedHashMap<>();
            purse.put("issuer", line.issuerName());
            purse.put("purse", line.purse().symbol());
            purse.put("tokenContract", line.purse().contract().hex());
            purse.put("chainId", line.purse().chainId());
            purse.put("settled", euros(line.figures().settled()));
            purse.put("pending", euros(line.figures().pending()));
            purse.put("failed", euros(line.figures().failed()));
            return purse;
        }).toList());
        json.put("settledPayments", statement.settled().stream().map(payment -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("paymentId", payment.paymentId());
            line.put("reference", payment.reference());
            line.put("purse", payment.purse().symbol());
            line.put("eur", payment.euros().toDecimalString());
            line.put("payer", payment.payer().hex());
            line.put("txHash", payment.txHash());
            line.put("settledAt", payment.settledAt().toString());
            return line;
        }).toList());
        return json;
    }

    private static Map<String, Object> purse(Totals.PurseTotals purse) {
        boolean known = purse.symbol() != null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("purse", purse.symbol());
        json.put("decimals", known ? purse.decimals() : null);
        Map<String, Object> statuses = new LinkedHashMap<>();
        for (PaymentStatus status : PaymentStatus.values()) {
            if (status == PaymentStatus.WAITING) {
                continue;
            }
            Map<String, Object> line = tally(purse.get(Figure.of(status)), known);
            if (status == PaymentStatus.APPROVED) {
                Map<String, Object> settlement = new LinkedHashMap<>();
                for (SettlementStatus state : SettlementStatus.values()) {
                    settlement.put(state.name(), tally(purse.get(Figure.of(state)), known));
                }
                line.put("settlement", settlement);
            }
            statuses.put(status.name(), line);
        }
        json.put("statuses", statuses);
        Tally partial = purse.get(Figure.PARTIAL);
        Map<String, Object> partialJson = new LinkedHashMap<>();
        partialJson.put("count", partial.count());
        partialJson.put("remainingEur", partial.euros().toDecimalString());
        json.put("partial", partialJson);
        json.put("offlineApproved", tally(purse.get(Figure.OFFLINE_APPROVED), known));
        return json;
    }

    private static Map<String, Object> tally(Tally tally, boolean withUnits) {
        Map<String, Object> json = euros(tally);
        json.put("units", withUnits ? Long.toString(tally.units()) : null);
        return json;
    }

    private static Map<String, Object> euros(Tally tally) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", tally.count());
        json.put("eur", tally.euros().toDecimalString());
        return json;
    }
}
