// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A closed period, kept for good: its number (1, 2, 3, … without gaps), the period {@code [from, to)} it covers
 * and its totals as they stood when it was closed.
 */
public record ZReport(long number, Instant from, Instant to, Instant closedAt, Totals totals) {
    public ZReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(closedAt, "closedAt");
        Objects.requireNonNull(totals, "totals");
        if (number < 1) {
            throw new IllegalArgumentException("Z reports are numbered from 1");
        }
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("a period ends after it starts: " + from + " > " + to);
        }
    }
}
