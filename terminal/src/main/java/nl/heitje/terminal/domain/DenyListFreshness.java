// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * The freshness rule: a verified list is fresh from its issue time until {@code maxAge} later. A list dated
 * slightly after the terminal's clock is fresh too (clocks drift); one dated further ahead is not.
 *
 * @param maxAge how old a list may be for offline approvals ({@code denyList.maxAgeHours})
 */
public record DenyListFreshness(Duration maxAge) {
    /** How far ahead of this terminal's clock a list may be dated and still count as fresh. */
    public static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(5);

    public DenyListFreshness {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("the maximum age of a deny-list must be positive, not " + maxAge);
        }
    }

    public DenyListStanding judge(DenyListDocument list, Instant now) {
        Duration age = Duration.between(list.issued(), now);
        boolean fresh = age.compareTo(maxAge) <= 0 && age.compareTo(CLOCK_TOLERANCE.negated()) >= 0;
        return fresh ? new DenyListStanding.Fresh(list.sequence(), list.issued(), age)
                : new DenyListStanding.Stale(list.sequence(), list.issued(), age);
    }
}
