// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DenyListFreshnessTest {
    private static final Instant ISSUED = Instant.parse("2026-11-28T10:00:00Z");
    private static final DenyListDocument LIST = new DenyListDocument(
            Address.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), 31337, 42, ISSUED, Set.of(),
            new Signature(BigInteger.ONE, BigInteger.ONE, 27));
    private final DenyListFreshness twoDays = new DenyListFreshness(Duration.ofHours(48));

    @Test
    void aListIsFreshUpToAndIncludingItsMaximumAge() {
        var standing = twoDays.judge(LIST, ISSUED.plus(Duration.ofHours(48)));

        assertEquals(new DenyListStanding.Fresh(42, ISSUED, Duration.ofHours(48)), standing);
        assertTrue(standing.allowsOfflineApprovals());
    }

    @Test
    void aListOneSecondOlderIsStaleAndAllowsNoOfflineApprovals() {
        var standing = twoDays.judge(LIST, ISSUED.plus(Duration.ofHours(48)).plusSeconds(1));

        assertEquals(new DenyListStanding.Stale(42, ISSUED, Duration.ofHours(48).plusSeconds(1)), standing);
        assertFalse(standing.allowsOfflineApprovals());
        assertEquals("STALE", standing.kind());
    }

    @Test
    void aListDatedAFewMinutesAheadOfTheClockIsFresh() {
        assertTrue(twoDays.judge(LIST, ISSUED.minus(DenyListFreshness.CLOCK_TOLERANCE)).allowsOfflineApprovals());
    }

    @Test
    void aListDatedFurtherAheadIsNotReliedOnOffline() {
        var standing = twoDays.judge(LIST, ISSUED.minus(Duration.ofHours(1)));

        assertEquals(new DenyListStanding.Stale(42, ISSUED, Duration.ofHours(-1)), standing);
    }

    @Test
    void noListAndAnUnverifiableListAllowNoOfflineApprovals() {
        assertFalse(new DenyListStanding.Missing().allowsOfflineApprovals());
        assertFalse(new DenyListStanding.Unverifiable("tampered").allowsOfflineApprovals());
    }

    @Test
    void aMaximumAgeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DenyListFreshness(Duration.ZERO));
    }
}
