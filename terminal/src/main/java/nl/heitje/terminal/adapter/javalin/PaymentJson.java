// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import java.util.LinkedHashMap;
import java.util.Map;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;

/** The payment object of the till API (docs/till-api.md), the one shape every HTTP answer about a payment uses. */
public final class PaymentJson {
    private PaymentJson() {
    }

    public static Map<String, Object> of(Payment payment) {
        Map<String, Object> json = new LinkedHashMap<>();
        String purse = payment.purse() == null ? null : payment.purse().symbol();
        json.put("id", payment.id());
        json.put("reference", payment.reference());
        json.put("amount", payment.amount().toDecimalString());
        json.put("requestedAmount", payment.requested().toDecimalString());
        json.put("remaining", payment.remaining().map(Object::toString).orElse(null));
        json.put("purse", purse);
        json.put("token", purse);
        json.put("status", payment.status().name());
        json.put("declineCode", payment.declineCode() == null ? null : payment.declineCode().name());
        boolean voided = payment.status() == PaymentStatus.VOIDED;
        // A voided payment carries its void's reason where a declined one carries the decline's.
        json.put("declineReason", voided ? null : payment.declineReason());
        json.put("voidReason", voided ? payment.declineReason() : null);
        json.put("pinTriesLeft", payment.pinTriesLeft());
        json.put("payer", payment.payer() == null ? null : payment.payer().hex());
        json.put("method", payment.method() == null ? null : payment.method().name());
        json.put("offline", payment.offline());
        Map<String, String> eligible = new LinkedHashMap<>();
        payment.sale().eligible().forEach((token, amount) -> eligible.put(token.symbol(), amount.toDecimalString()));
        json.put("eligible", eligible);
        json.put("basket", payment.sale().basket().lines().stream().map(line -> Map.of("category", line.category(),
                "amount", line.amount().toDecimalString())).toList());
        json.put("settlement", payment.settlement() == null ? null : payment.settlement().status().name());
        json.put("txHash", payment.settlement() == null ? null : payment.settlement().txHash());
        json.put("settlementReason", payment.settlement() == null ? null : payment.settlement().reason());
        json.put("createdAt", payment.createdAt().toString());
        json.put("decidedAt", payment.decidedAt() == null ? null : payment.decidedAt().toString());
        return json;
    }
}
