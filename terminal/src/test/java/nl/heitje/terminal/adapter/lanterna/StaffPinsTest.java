// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaffPinsTest {
    /** "1234" as provisioning and the config write a PIN hash: 210000 iterations, base64 salt and hash. */
    private static final String CONFIG_HASH =
            "pbkdf2-sha256$210000$aGVpdGplLXNpbS1kZW1vIQ==$O3eav9WvJHDH7bibtNRb15SgOfNRLY0/RWQlchMg/oI=";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void checksAPinAgainstTheConfigsHashForm() {
        assertTrue(StaffPins.matches("1234", CONFIG_HASH));
        assertFalse(StaffPins.matches("1235", CONFIG_HASH));
        assertFalse(StaffPins.matches("1234", "sha1$1$x$y"), "another scheme never matches");
    }

    @Test
    void theRightPinNamesItsMemberAndResetsTheCount() {
        StaffPins pins = pins();
        assertEquals(new StaffPins.Wrong(2), pins.attempt("0000", NOW));
        StaffPins.Attempt in = pins.attempt("1234", NOW);
        assertEquals("boss", assertInstanceOf(StaffPins.SignedIn.class, in).member().name());
        assertEquals(new StaffPins.Wrong(2), pins.attempt("0000", NOW), "the count started again");
    }

    @Test
    void locksAfterTheLastWrongPinUntilTheLockOutIsOver() {
        StaffPins pins = pins();
        pins.attempt("0000", NOW);
        pins.attempt("0001", NOW);
        assertEquals(new StaffPins.Locked(NOW.plusSeconds(300)), pins.attempt("0002", NOW));
        assertEquals(new StaffPins.Locked(NOW.plusSeconds(300)), pins.attempt("1234", NOW.plusSeconds(299)),
                "not even the right PIN while locked");
        assertInstanceOf(StaffPins.SignedIn.class, pins.attempt("1234", NOW.plusSeconds(300)));
    }

    @Test
    void aMemberPrintsWithoutItsHash() {
        assertFalse(pins().toString().contains("O3eav9"));
        assertFalse(new StaffPins.Member("boss", StaffPins.Role.MANAGER, CONFIG_HASH).toString().contains("O3eav9"));
    }

    private static StaffPins pins() {
        return new StaffPins(List.of(new StaffPins.Member("boss", StaffPins.Role.MANAGER, CONFIG_HASH)), 3,
                Duration.ofMinutes(5));
    }
}
