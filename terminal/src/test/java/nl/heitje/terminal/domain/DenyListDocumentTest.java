// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DenyListDocumentTest {
    private static final Address ISSUER = Address.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    private static final Address LOST_CARD = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address FRAUD = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final String SIGNATURE = "0x" + "11".repeat(32) + "22".repeat(32) + "1b";
    /** The example of docs/deny-list.md; the signature is made up, which is the verifier's business, not ours. */
    private static final String VALID = """
            heitje-deny-list 1
            issuer 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
            chain 31337
            sequence 42
            issued 2026-11-28T10:00:00Z
            deny 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc
            deny 0x90f79bf6eb2c4f870365e785982e1f101e93b906
            signature %s
            """.formatted(SIGNATURE);

    @Test
    void readsEveryFieldOfACanonicalList() {
        DenyListDocument list = DenyListDocument.parse(bytes(VALID));

        assertEquals(ISSUER, list.issuer());
        assertEquals(31337, list.chainId());
        assertEquals(42, list.sequence());
        assertEquals(Instant.parse("2026-11-28T10:00:00Z"), list.issued());
        assertEquals(Set.of(LOST_CARD, FRAUD), list.denied());
        assertTrue(list.denies(FRAUD));
        assertFalse(list.denies(ISSUER));
        assertEquals(SIGNATURE, list.signature().hex());
    }

    @Test
    void rendersExactlyTheBytesItReadAndSignsEverythingBeforeTheSignatureLine() {
        DenyListDocument list = DenyListDocument.parse(bytes(VALID));

        assertArrayEquals(bytes(VALID), list.bytes());
        assertEquals(VALID.substring(0, VALID.indexOf("signature ")), list.body());
    }

    @Test
    void aSignerGetsTheCanonicalBodyWhateverOrderAndDuplicatesItHandsIn() {
        String body = DenyListDocument.body(ISSUER, 31337, 42, Instant.parse("2026-11-28T10:00:00Z"),
                List.of(FRAUD, LOST_CARD, FRAUD));

        assertEquals(VALID.substring(0, VALID.indexOf("signature ")), body);
    }

    @Test
    void anEmptyListIsAList() {
        String empty = VALID.replaceAll("deny [^\n]*\n", "");

        assertTrue(DenyListDocument.parse(bytes(empty)).denied().isEmpty());
    }

    static Stream<Arguments> outOfPlace() {
        return Stream.of(
                Arguments.of("an unknown line", VALID.replace("sequence 42\n", "sequence 42\nnote lost cards\n"), "line 5"),
                Arguments.of("a duplicate header", VALID.replace("chain 31337\n", "chain 31337\nchain 31337\n"), "line 4"),
                Arguments.of("a missing header", VALID.replace("chain 31337\n", ""), "line 3"),
                Arguments.of("a checksummed address", VALID.replace("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
                        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), "lower-case"),
                Arguments.of("a short address", VALID.replace("deny 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
                        "deny 0x3c44cdddb6a900fa2b585dd299e03d12fa4293"), "line 6"),
                Arguments.of("entries out of order", VALID.replace("deny 0x3c44", "deny 0xff44"), "ascending"),
                Arguments.of("an entry listed twice", VALID.replace("deny 0x90f79bf6eb2c4f870365e785982e1f101e93b906",
                        "deny 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), "twice"),
                Arguments.of("Windows line ends", VALID.replace("\n", "\r\n"), "0x0d"),
                Arguments.of("a trailing space", VALID.replace("sequence 42", "sequence 42 "), "line 4"),
                Arguments.of("a leading zero", VALID.replace("sequence 42", "sequence 042"), "leading zeros"),
                Arguments.of("a sequence beyond 64 bits", VALID.replace("sequence 42", "sequence 9999999999999999999"),
                        "too large"),
                Arguments.of("chain 0", VALID.replace("chain 31337", "chain 0"), "chain id 0"),
                Arguments.of("an issue time with a fraction", VALID.replace("10:00:00Z", "10:00:00.5Z"), "line 5"),
                Arguments.of("an issue time with an offset", VALID.replace("10:00:00Z", "11:00:00+01:00"), "line 5"),
                Arguments.of("an impossible date", VALID.replace("2026-11-28", "2026-02-30"), "not a moment"),
                Arguments.of("another version", VALID.replace("heitje-deny-list 1", "heitje-deny-list 2"), "version"),
                Arguments.of("no signature", VALID.substring(0, VALID.indexOf("signature ")), "signature"),
                Arguments.of("an upper-case signature", VALID.replace(SIGNATURE, SIGNATURE.toUpperCase().replace("0X", "0x")),
                        "lower-case hex"),
                Arguments.of("a short signature", VALID.replace(SIGNATURE, SIGNATURE.substring(0, 130)), "130"),
                Arguments.of("garbage after the signature", VALID + "deny 0x" + "ab".repeat(20) + "\n", "follow"),
                Arguments.of("an empty line at the end", VALID + "\n", "follow"),
                Arguments.of("no line feed at the end", VALID.substring(0, VALID.length() - 1), "line feed"),
                Arguments.of("a non-ASCII byte", VALID.replace("issued", "issüed"), "printable ASCII"),
                Arguments.of("the old one-address-per-line file", LOST_CARD.hex() + "  # lost card\n", "line 1"),
                Arguments.of("nothing at all", "", "line feed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfPlace")
    void refusesAnyDocumentNotInTheOneAcceptedForm(String what, String document, String reason) {
        var refused = assertThrows(DenyListDocument.Unreadable.class,
                () -> DenyListDocument.parse(document.getBytes(StandardCharsets.UTF_8)));

        assertTrue(refused.getMessage().contains(reason), what + ": " + refused.getMessage());
    }

    @Test
    void refusesADocumentLargerThanTheCeilingBeforeReadingIt() {
        var refused = assertThrows(DenyListDocument.Unreadable.class,
                () -> DenyListDocument.parse(new byte[DenyListDocument.MAX_BYTES + 1]));

        assertTrue(refused.getMessage().contains("larger than"), refused.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
