// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a generous deadline: what a test checks is the outcome, never how long it took. */
public final class Eventually {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private Eventually() {
    }

    public static void await(String what, BooleanSupplier condition) {
        await(condition, () -> what);
    }

    public static void await(BooleanSupplier condition, Supplier<String> whatWasExpected) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + whatWasExpected.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + whatWasExpected.get());
            }
        }
    }
}
