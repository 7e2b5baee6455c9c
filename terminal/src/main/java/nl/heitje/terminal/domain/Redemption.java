// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An approved authorization, as the journal keeps it until (and after) it is settled: the claim the merchant
 * holds against the payer's tokens.
 *
 * @param knownBlock the newest block the terminal had seen when it approved (0 if none): whatever the payer does
 *                   with this authorization on chain happens after it, so a search of the chain's logs starts there
 */
public record Redemption(String paymentId, Token token, TransferAuthorization authorization, PaymentMethod method,
                         boolean offline, Instant recordedAt, long knownBlock) {
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
