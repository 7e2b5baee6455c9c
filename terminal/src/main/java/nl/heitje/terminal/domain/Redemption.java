package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An approved authorization, as the journal keeps it until (and after) it is settled: the claim the merchant
 * holds against the payer's tokens.
 */
public record Redemption(String paymentId, Token token, TransferAuthorization authorization, PaymentMethod method,
                         boolean offline, Instant recordedAt) {
    public Redemption {
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }

    public Address payer() {
        return authorization.from();
    }

    public long units() {
        return authorization.value().longValueExact();
    }
}
