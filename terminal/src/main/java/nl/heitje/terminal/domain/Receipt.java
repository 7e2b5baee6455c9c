// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the customer's receipt says about one approved payment.
 *
 * @param merchant  the shop's name as registered with the municipality
 * @param purse     the symbol of the purse that paid
 * @param payer     the payer's address, shortened on paper ({@link #shortPayer()})
 * @param remaining what the till still had to collect another way after a partial payment; empty when paid whole
 * @param link      what the QR code holds: where the payment's settlement can be looked up, or its id
 */
public record Receipt(String merchant, Euros amount, String purse, Address payer, String paymentId,
                      String reference, Instant at, boolean offline, Optional<Euros> remaining, String link) {
    public Receipt {
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(purse, "purse");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(remaining, "remaining");
        Objects.requireNonNull(link, "link");
    }

    /**
     * The receipt of an approved payment.
     *
     * @param settlementUrl a URL with {@code {id}} where the payment's id goes; empty: the QR holds the id alone
     */
    public static Receipt of(Payment approved, String merchant, Optional<String> settlementUrl) {
        if (approved.status() != PaymentStatus.APPROVED) {
            throw new IllegalArgumentException("only an approved payment has a receipt, not " + approved.status());
        }
        Euros remaining = approved.remaining().orElse(Euros.ZERO);
        return new Receipt(merchant, approved.amount(), approved.purse().symbol(), approved.payer(), approved.id(),
                approved.reference(), approved.decidedAt() == null ? approved.createdAt() : approved.decidedAt(),
                approved.offline(), remaining.isZero() ? Optional.empty() : Optional.of(remaining),
                settlementUrl.map(url -> url.replace("{id}", approved.id())).orElse(approved.id()));
    }

    /** Enough of the address for the payer to recognise their own: the first six and last four hex digits. */
    public String shortPayer() {
        if (payer == null) {
            return "-";
        }
        String hex = payer.hex();
        return hex.substring(0, 8) + "..." + hex.substring(hex.length() - 4);
    }
}
