// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the deny-list a terminal holds can be relied on. Only a {@link Fresh} list lets the terminal approve
 * offline: offline, the list is the municipality's only word on a payer. Online the chain vouches for the funds,
 * and whatever verified list is held (fresh or stale) still denies the payers it names.
 */
public sealed interface DenyListStanding {

    /** Whether offline approvals may be given on this list. */
    default boolean allowsOfflineApprovals() {
        return false;
    }

    /** One word for health reports and logs: {@code FRESH}, {@code STALE}, {@code MISSING} or {@code UNVERIFIABLE}. */
    String kind();

    /** A verified list, young enough for offline approvals. */
    record Fresh(long sequence, Instant issued, Duration age) implements DenyListStanding {
        @Override
        public boolean allowsOfflineApprovals() {
            return true;
        }

        @Override
        public String kind() {
            return "FRESH";
        }
    }

    /**
     * A verified list that is too old, or dated ahead of this terminal's clock by more than the tolerance (then
     * {@code age} is negative: the clock or the list is wrong, and neither can be relied on offline).
     */
    record Stale(long sequence, Instant issued, Duration age) implements DenyListStanding {
        @Override
        public String kind() {
            return "STALE";
        }
    }

    /** No list was ever received. */
    record Missing() implements DenyListStanding {
        @Override
        public String kind() {
            return "MISSING";
        }
    }

    /** No list can be relied on: none verifies, or no issuer is configured to verify one against. */
    record Unverifiable(String reason) implements DenyListStanding {
        @Override
        public String kind() {
            return "UNVERIFIABLE";
        }
    }
}
