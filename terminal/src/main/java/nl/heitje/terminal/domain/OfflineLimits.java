// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Optional;

/**
 * How much risk the merchant accepts while the terminal cannot see the chain: every offline approval is
 * money the municipality has not yet confirmed the payer has. All limits are in base units of one token.
 *
 * @param perPayment      largest single offline payment
 * @param perPayerPerDay  what one payer may spend offline in one calendar day (terminal time zone)
 * @param totalExposure   all offline approvals not yet settled, across payers
 * @param maxCount        number of offline approvals not yet settled
 */
public record OfflineLimits(long perPayment, long perPayerPerDay, long totalExposure, int maxCount) {

    /** What the journal knows when an offline payment is attempted. */
    public record Exposure(long payerToday, long unsettledTotal, int unsettledCount) {
    }

    public Optional<DeclineCode> check(long amount, Exposure exposure) {
        boolean within = amount <= perPayment
                && exposure.payerToday() + amount <= perPayerPerDay
                && exposure.unsettledTotal() + amount <= totalExposure
                && exposure.unsettledCount() + 1 <= maxCount;
        return within ? Optional.empty() : Optional.of(DeclineCode.OFFLINE_LIMIT);
    }
}
