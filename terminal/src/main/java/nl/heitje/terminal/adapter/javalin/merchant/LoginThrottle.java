// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing. After {@value #FREE_FAILURES} failures in a row, each further attempt must wait twice
 * as long as the one before (from 2 seconds up to 15 minutes), counted both per client address and for all
 * addresses together, so changing address does not buy more guesses. A success clears the client's count and the
 * common one. The price: someone on the shop's network can keep the merchant waiting; they cannot get in.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(15);
    private static final String EVERYONE = "";
    private static final int MAX_TRACKED = 1024;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new HashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long this client must still wait before its next attempt is even checked; empty when it may try now. */
    synchronized Optional<Duration> waitBefore(String client) {
        Instant now = clock.instant();
        Duration wait = max(remaining(failures.get(client), now), remaining(failures.get(EVERYONE), now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    synchronized void failed(String client) {
        if (failures.size() >= MAX_TRACKED) {
            failures.keySet().removeIf(key -> !key.equals(EVERYONE));
        }
        Instant now = clock.instant();
        failures.merge(client, new Failures(1, now), (was, one) -> new Failures(was.count() + 1, now));
        failures.merge(EVERYONE, new Failures(1, now), (was, one) -> new Failures(was.count() + 1, now));
    }

    synchronized void succeeded(String client) {
        failures.remove(client);
        failures.remove(EVERYONE);
    }

    private static Duration remaining(Failures record, Instant now) {
        if (record == null || record.count() < FREE_FAILURES) {
            return Duration.ZERO;
        }
        int beyond = Math.min(record.count() - FREE_FAILURES, 20);
        Duration wait = Duration.ofSeconds(2L << beyond);
        if (wait.compareTo(LONGEST_WAIT) > 0) {
            wait = LONGEST_WAIT;
        }
        Duration left = Duration.between(now, record.last().plus(wait));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration max(Duration one, Duration other) {
        return one.compareTo(other) >= 0 ? one : other;
    }
}
