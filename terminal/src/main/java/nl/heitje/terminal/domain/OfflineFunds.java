// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

/**
 * The offline funds rule. Without the chain, what a payer may spend is what this terminal's snapshot of all
 * holders says they held, less what this terminal has approved from them and not yet settled. A snapshot that is
 * missing or too old, or a payer it does not know (never held the token), gives no offline approval at all:
 * {@code OFFLINE_LIMIT}, as for the other offline rules. A known payer short of funds is
 * {@code INSUFFICIENT_FUNDS}, as online.
 *
 * @param maxSnapshotAge how old the snapshot may be for offline approvals ({@code offline.maxSnapshotAgeSeconds})
 */
public record OfflineFunds(Duration maxSnapshotAge) {
    public static final Duration DEFAULT_MAX_SNAPSHOT_AGE = Duration.ofDays(1);
    /** A snapshot dated a little after this terminal's clock still counts (clocks drift), as for the deny-list. */
    public static final Duration CLOCK_TOLERANCE = DenyListFreshness.CLOCK_TOLERANCE;

    public OfflineFunds {
        if (maxSnapshotAge == null || maxSnapshotAge.isNegative() || maxSnapshotAge.isZero()) {
            throw new IllegalArgumentException("the maximum age of the holder snapshot must be positive, not "
                    + maxSnapshotAge);
        }
    }

    /**
     * @param snapshotAge        age of the snapshot of the payment's token; empty when there is none
     * @param snapshotBalance    the payer's balance in it; empty when the snapshot does not know the payer
     * @param unsettledFromPayer units of this token this terminal approved from the payer and has not settled
     * @param amount             the payment
     */
    public Optional<DeclineCode> check(Optional<Duration> snapshotAge, Optional<BigInteger> snapshotBalance,
                                       long unsettledFromPayer, long amount) {
        if (snapshotAge.isEmpty() || !isFresh(snapshotAge.get()) || snapshotBalance.isEmpty()) {
            return Optional.of(DeclineCode.OFFLINE_LIMIT);
        }
        return Funds.check(snapshotBalance.get(), unsettledFromPayer, amount);
    }

    public boolean isFresh(Duration age) {
        return age.compareTo(maxSnapshotAge) <= 0 && age.compareTo(CLOCK_TOLERANCE.negated()) >= 0;
    }
}
