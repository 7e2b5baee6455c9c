// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether this terminal's clock agrees with the chain's, judged from the newest block. A Raspberry Pi has no
 * real-time clock: after a boot without network its clock can be anything, and both the validity window of an
 * authorization and the per-day offline limits are read from it.
 *
 * <p>A block is never stamped much later than it was made, so our clock behind a block by more than
 * {@code tolerance} is certainly wrong. The newest block may trail real time by a block interval plus the node's
 * delay ({@code maxBlockLag}), so our clock may be ahead by that much more; beyond it either our clock runs fast or
 * the node is stuck on an old block, and one node cannot tell which.
 *
 * @param tolerance   how far our clock may be from the chain's, either way
 * @param maxBlockLag how much further the newest block may trail our clock: the chain's block interval and the
 *                    node's delay
 */
public record ClockCheck(Duration tolerance, Duration maxBlockLag) {

    public ClockCheck {
        if (tolerance.isNegative() || maxBlockLag.isNegative()) {
            throw new IllegalArgumentException("clock tolerance and block lag cannot be negative");
        }
    }

    public enum Agreement {
        /** Within the tolerance: the chain confirms our clock. */
        AGREES,
        /** Our clock is behind a block that exists: it is slow, certainly. */
        BEHIND_THE_CHAIN,
        /** The newest block is older than the chain's pace explains: our clock is fast, or the node is stale. */
        AHEAD_OF_THE_CHAIN
    }

    /** One comparison: {@code ahead} is our clock minus the block's timestamp (negative when we are behind). */
    public record Reading(Agreement agreement, long block, Instant blockTime, Duration ahead) {
        public String describe() {
            return switch (agreement) {
                case AGREES -> "our clock agrees with block " + block + " (" + signedSeconds(ahead)
                        + " s from its timestamp)";
                case BEHIND_THE_CHAIN -> "our clock is " + -ahead.toSeconds() + " s behind the timestamp of block "
                        + block + " (" + blockTime + "): it is wrong";
                case AHEAD_OF_THE_CHAIN -> "the newest block " + block + " (" + blockTime + ") is " + ahead.toSeconds()
                        + " s behind our clock: our clock runs fast or the node is stuck on an old block";
            };
        }

        private static String signedSeconds(Duration d) {
            return (d.isNegative() ? "" : "+") + d.toSeconds();
        }
    }

    public Reading judge(Instant ours, long block, Instant blockTime) {
        Duration ahead = Duration.between(blockTime, ours);
        Agreement agreement;
        if (ahead.compareTo(tolerance.negated()) < 0) {
            agreement = Agreement.BEHIND_THE_CHAIN;
        } else if (ahead.compareTo(tolerance.plus(maxBlockLag)) > 0) {
            agreement = Agreement.AHEAD_OF_THE_CHAIN;
        } else {
            agreement = Agreement.AGREES;
        }
        return new Reading(agreement, block, blockTime, ahead);
    }

    /**
     * How far the wall clock moved, since it was confirmed, against the time that really passed (a monotonic clock,
     * which no one can set): an NTP step, or someone setting the date. Zero when it kept pace.
     */
    public Duration drift(Instant confirmedAt, long confirmedNanos, Instant now, long nanosNow) {
        return Duration.between(confirmedAt, now).minus(Duration.ofNanos(nanosNow - confirmedNanos));
    }

    /** True when {@link #drift} is beyond the tolerance: the confirmation no longer vouches for the clock. */
    public boolean jumped(Instant confirmedAt, long confirmedNanos, Instant now, long nanosNow) {
        return drift(confirmedAt, confirmedNanos, now, nanosNow).abs().compareTo(tolerance) > 0;
    }
}
