// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClockCheckTest {
    private static final Instant BLOCK_TIME = Instant.parse("2026-03-10T09:00:00Z");
    private final ClockCheck check = new ClockCheck(Duration.ofSeconds(120), Duration.ofSeconds(60));

    @Test
    void agreesWithinTheToleranceEitherWay() {
        assertEquals(ClockCheck.Agreement.AGREES, check.judge(BLOCK_TIME, 7, BLOCK_TIME).agreement());
        assertEquals(ClockCheck.Agreement.AGREES, check.judge(BLOCK_TIME.minusSeconds(120), 7, BLOCK_TIME).agreement());
        assertEquals(ClockCheck.Agreement.AGREES, check.judge(BLOCK_TIME.plusSeconds(120), 7, BLOCK_TIME).agreement());
    }

    @Test
    void ourClockBehindABlockBeyondTheToleranceIsWrong() {
        ClockCheck.Reading reading = check.judge(BLOCK_TIME.minusSeconds(121), 7, BLOCK_TIME);

        assertEquals(ClockCheck.Agreement.BEHIND_THE_CHAIN, reading.agreement());
        assertTrue(reading.describe().contains("121 s behind"), reading.describe());
    }

    @Test
    void aBlockMayTrailOurClockByItsIntervalOnTopOfTheTolerance() {
        assertEquals(ClockCheck.Agreement.AGREES, check.judge(BLOCK_TIME.plusSeconds(180), 7, BLOCK_TIME).agreement());
        ClockCheck.Reading stale = check.judge(BLOCK_TIME.plusSeconds(181), 7, BLOCK_TIME);

        assertEquals(ClockCheck.Agreement.AHEAD_OF_THE_CHAIN, stale.agreement());
        assertTrue(stale.describe().contains("fast or the node is stuck"), stale.describe());
    }

    @Test
    void aWallClockThatKeepsPaceWithTheMonotonicClockHasNotJumped() {
        long nanos = 5_000_000_000L;
        Instant later = BLOCK_TIME.plus(Duration.ofHours(3));
        long nanosLater = nanos + Duration.ofHours(3).plusSeconds(100).toNanos();

        assertFalse(check.jumped(BLOCK_TIME, nanos, later, nanosLater), "100 s of drift in 3 h is within 120 s");
        assertTrue(check.jumped(BLOCK_TIME, nanos, later.minus(Duration.ofDays(1)), nanosLater), "set back a day");
        assertTrue(check.jumped(BLOCK_TIME, nanos, later.plus(Duration.ofDays(1)), nanosLater), "set forward a day");
    }
}
