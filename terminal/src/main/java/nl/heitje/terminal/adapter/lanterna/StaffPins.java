// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import nl.heitje.config.SlowHash;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sign-in by PIN alone, as a keypad allows: the PIN names the staff member. PINs are known only as slow salted hashes
 * (PBKDF2-HMAC-SHA256, as {@code manager.pinHash}); a PIN is never kept, logged or shown. Wrong PINs in a row, from
 * anyone, lock sign-in for a while: with six-digit PINs and a few staff, guessing must not be a matter of minutes.
 */
public final class StaffPins {

    /** What a staff member may do: a manager also closes the day and voids. */
    public enum Role { STAFF, MANAGER }

    public record Member(String name, Role role, String pinHash) {
        @Override
        public String toString() {
            return "Member[" + name + ", " + role + "]";
        }
    }

    /** What one PIN led to. */
    public sealed interface Attempt {
    }

    public record SignedIn(Member member) implements Attempt {
    }

    public record Wrong(int triesLeft) implements Attempt {
    }

    public record Locked(Instant until) implements Attempt {
    }

    private final List<Member> members;
    private final int maxFailures;
    private final Duration lockout;
    private int failures;
    private Instant lockedUntil = Instant.MIN;

    public StaffPins(List<Member> members, int maxFailures, Duration lockout) {
        this.members = List.copyOf(members);
        this.maxFailures = maxFailures;
        this.lockout = lockout;
    }

    /** True when nobody at all can sign in. */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    public synchronized Attempt attempt(String pin, Instant now) {
        if (now.isBefore(lockedUntil)) {
            return new Locked(lockedUntil);
        }
        Optional<Member> match = members.stream().filter(m -> matches(pin, m.pinHash())).findFirst();
        if (match.isPresent()) {
            failures = 0;
            return new SignedIn(match.get());
        }
        failures++;
        if (failures >= maxFailures) {
            failures = 0;
            lockedUntil = now.plus(lockout);
            return new Locked(lockedUntil);
        }
        return new Wrong(maxFailures - failures);
    }

    /** Whether {@code pin} is the one hashed into {@code stored}, compared in constant time. */
    static boolean matches(String pin, String stored) {
        return SlowHash.matches(pin.toCharArray(), stored);
    }

    /** A hash in the config's form, for tests and the simulator's demo staff. */
    public static String hash(String pin, byte[] salt, int iterations) {
        return SlowHash.hash(pin.toCharArray(), salt, iterations);
    }
}
