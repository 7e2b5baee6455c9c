// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfflineFundsTest {
    private static final OfflineFunds RULE = new OfflineFunds(Duration.ofDays(1));
    private static final Optional<Duration> FRESH = Optional.of(Duration.ofMinutes(1));

    private static Optional<BigInteger> units(long units) {
        return Optional.of(BigInteger.valueOf(units));
    }

    @Test
    void approvesWhatTheSnapshotBalanceLessUnsettledCovers() {
        assertEquals(Optional.empty(), RULE.check(FRESH, units(10_00), 6_00, 4_00));
        assertEquals(Optional.of(DeclineCode.INSUFFICIENT_FUNDS), RULE.check(FRESH, units(10_00), 6_00, 4_01));
    }

    @Test
    void aKnownHolderWithNothingLeftIsShortOfFunds() {
        assertEquals(Optional.of(DeclineCode.INSUFFICIENT_FUNDS), RULE.check(FRESH, units(0), 0, 1));
        // A balance below zero means history the snapshot missed (a deploy block set too late): nothing to spend.
        assertEquals(Optional.of(DeclineCode.INSUFFICIENT_FUNDS), RULE.check(FRESH, units(-5), 0, 1));
    }

    @Test
    void aHolderTheSnapshotDoesNotKnowGetsNoOfflineApproval() {
        assertEquals(Optional.of(DeclineCode.OFFLINE_LIMIT), RULE.check(FRESH, Optional.empty(), 0, 1));
    }

    @Test
    void aMissingOrOldSnapshotGivesNoOfflineApproval() {
        assertEquals(Optional.of(DeclineCode.OFFLINE_LIMIT), RULE.check(Optional.empty(), units(10_00), 0, 1));
        assertEquals(Optional.of(DeclineCode.OFFLINE_LIMIT),
                RULE.check(Optional.of(Duration.ofDays(1).plusSeconds(1)), units(10_00), 0, 1));
        assertEquals(Optional.empty(), RULE.check(Optional.of(Duration.ofDays(1)), units(10_00), 0, 1));
    }

    @Test
    void toleratesASnapshotALittleAheadOfTheClockButNotMore() {
        assertTrue(RULE.isFresh(Duration.ofMinutes(-5)));
        assertEquals(Optional.of(DeclineCode.OFFLINE_LIMIT),
                RULE.check(Optional.of(Duration.ofMinutes(-5).minusSeconds(1)), units(10_00), 0, 1));
    }

    @Test
    void balancesBeyondALongAreCompared() {
        BigInteger huge = BigInteger.TWO.pow(200);
        assertEquals(Optional.empty(), RULE.check(FRESH, Optional.of(huge), Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void aMaximumAgeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new OfflineFunds(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new OfflineFunds(null));
    }

    /** Property: over any inputs, an approval never spends more than the snapshot balance less unsettled. */
    @Test
    void neverApprovesMoreThanTheSnapshotBalanceLessUnsettled() {
        Random random = new Random(0x0FF_11_4E);
        for (int i = 0; i < 100_000; i++) {
            long balance = random.nextInt(3) == 0 ? random.nextInt(10) - 3 : random.nextInt(1_000_000);
            long unsettled = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000);
            long amount = 1 + random.nextInt(1_000_000);
            Optional<Duration> age = random.nextInt(5) == 0 ? Optional.empty()
                    : Optional.of(Duration.ofSeconds(random.nextInt(2 * 86_400) - 600));
            Optional<BigInteger> known = random.nextInt(5) == 0 ? Optional.empty() : units(balance);

            Optional<DeclineCode> decision = RULE.check(age, known, unsettled, amount);

            boolean trustworthy = age.isPresent() && RULE.isFresh(age.get()) && known.isPresent();
            boolean covered = balance - unsettled >= amount;
            String inputs = "balance " + known + ", unsettled " + unsettled + ", amount " + amount + ", age " + age;
            if (decision.isEmpty()) {
                assertTrue(trustworthy && covered, "approved " + inputs);
            } else {
                assertEquals(trustworthy ? DeclineCode.INSUFFICIENT_FUNDS : DeclineCode.OFFLINE_LIMIT, decision.get(),
                        inputs);
                assertTrue(!trustworthy || !covered, "declined " + inputs);
            }
        }
    }

    /** Property: spending offline payment after payment, the approved total never passes the snapshot balance. */
    @Test
    void aRunOfOfflinePaymentsNeverSpendsMoreThanTheSnapshotHeld() {
        Random random = new Random(42);
        for (int run = 0; run < 2_000; run++) {
            long balance = random.nextInt(10_000);
            long unsettled = random.nextInt(3) == 0 ? random.nextInt(5_000) : 0;
            long approved = 0;
            for (int payment = 0; payment < 30; payment++) {
                long amount = 1 + random.nextInt(2_000);
                if (RULE.check(FRESH, units(balance), unsettled + approved, amount).isEmpty()) {
                    approved += amount;
                }
                assertTrue(unsettled + approved <= Math.max(balance, unsettled),
                        "approved " + approved + " on top of " + unsettled + " unsettled from a balance of " + balance);
            }
        }
    }
}
