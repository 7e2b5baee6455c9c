// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import java.util.LinkedHashMap;
import java.util.Map;
import nl.heitje.terminal.domain.Payment;

/** The payment object of till-api.md, the one shape every HTTP answer about a payment uses. */
public final class PaymentJson {
    private PaymentJson() {
    }

    public static Map<String, Object> of(Payment payment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", payment.id());
        json.put("reference", payment.reference());
        json.put("amount", payment.amount().toDecimalString());
        json.put("token", payment.amount().token().symbol());
        json.put("status", payment.status().name());
        json.put("declineCode", payment.declineCode() == null ? null : payment.declineCode().name());
        json.put("pinTriesLeft", payment.pinTriesLeft());
        json.put("payer", payment.payer() == null ? null : payment.payer().hex());
        json.put("method", payment.method() == null ? null : payment.method().name());
        json.put("offline", payment.offline());
        json.put("settlement", payment.settlement() == null ? null : payment.settlement().status().name());
        json.put("txHash", payment.settlement() == null ? null : payment.settlement().txHash());
        json.put("settlementReason", payment.settlement() == null ? null : payment.settlement().reason());
        json.put("createdAt", payment.createdAt().toString());
        json.put("decidedAt", payment.decidedAt() == null ? null : payment.decidedAt().toString());
        return json;
    }
}
