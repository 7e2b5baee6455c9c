// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base45Test {

    @ParameterizedTest(name = "\"{0}\" <-> \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "AB|BB8",
            "Hello!!|%69 VD92EX0",
            "base-45|UJCLQE7W581",
            "ietf!|QED8WEX0"})
    void encodesAndDecodesTheRfc9285Examples(String text, String base45) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(base45, Base45.encode(bytes));
        assertArrayEquals(bytes, Base45.decode(base45).orElseThrow());
    }

    @Test
    void encodesNothingAsNothing() {
        assertEquals("", Base45.encode(new byte[0]));
        assertArrayEquals(new byte[0], Base45.decode("").orElseThrow());
    }

    @Test
    void rejectsAGroupAboveSixteenBits() {
        // "GGW" is 16 + 16*45 + 32*2025 = 65536: RFC 9285 section 4.2 says this must fail.
        assertTrue(Base45.decode("GGW").isEmpty());
        assertTrue(Base45.decode("BB8GGW").isEmpty());
    }

    @Test
    void acceptsTheLargestThreeCharacterGroup() {
        // 0xFFFF is "FGW"; the boundary just below the rejected one.
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF}, Base45.decode("FGW").orElseThrow());
    }

    @Test
    void rejectsATwoCharacterGroupAboveOneByte() {
        // ":6" is 44 + 6*45 = 314, which no single byte encodes to.
        assertTrue(Base45.decode(":6").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"B", "BB8B", "%69 VD92EX0AB", "QED8WEX0BB"})
    void rejectsALoneTrailingCharacter(String text) {
        assertTrue(Base45.decode(text).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bb8", "BB8a", "BB#", "BB\u00e9", "BB\n", "BB=", "BB\u0000", "\uff22B8"})
    void rejectsCharactersOutsideTheAlphabet(String text) {
        assertTrue(Base45.decode(text).isEmpty(), () -> "accepted " + text);
    }

    @Test
    void roundTripsThousandsOfRandomByteArrays() {
        long seed = 0x4845_4954_4a45L;
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            String encoded = Base45.encode(bytes);
            int round = i;
            assertEquals((bytes.length / 2) * 3 + (bytes.length % 2) * 2, encoded.length(),
                    () -> "length of case " + round + " (seed " + seed + ")");
            assertArrayEquals(bytes, Base45.decode(encoded).orElseThrow(),
                    () -> "case " + round + " did not round-trip (seed " + seed + ")");
        }
    }
}
