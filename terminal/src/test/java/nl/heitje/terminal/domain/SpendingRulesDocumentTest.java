// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpendingRulesDocumentTest {
    private static final Address ISSUER = Address.parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    private static final Address TOKEN = Address.parse("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    private static final Address BAKERY = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address GROCER = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final Instant ISSUED = Instant.parse("2026-11-28T10:00:00Z");
    private static final String SIGNATURE = "0x" + "11".repeat(32) + "22".repeat(32) + "1b";
    /** The example of docs/spending-rules.md; the signature is made up, which is the verifier's business. */
    private static final String VALID = """
            heitje-spending-rules 1
            issuer 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
            chain 31337
            token 0x5fbdb2315678afecb367f032d93f642f64180aa3
            sequence 7
            issued 2026-11-28T10:00:00Z
            merchant-category food-shop
            merchant-category market
            merchant 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc
            merchant 0x90f79bf6eb2c4f870365e785982e1f101e93b906
            product-category fresh-food
            product-category groceries
            signature %s
            """.formatted(SIGNATURE);
    private static final String TOKEN_LINE = "token 0x5fbdb2315678afecb367f032d93f642f64180aa3\n";
    private static final String BAKERY_LINE = "merchant 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc\n";
    private static final String GROCER_LINE = "merchant 0x90f79bf6eb2c4f870365e785982e1f101e93b906\n";
    private static final String CATEGORY_LINES = "merchant-category food-shop\nmerchant-category market\n";
    private static final SpendingRules VALID_RULES = new SpendingRules(Optional.of(Set.of(BAKERY, GROCER)),
            Optional.of(Set.of("market", "food-shop")), Optional.of(Set.of("groceries", "fresh-food")));

    @Test
    void readsEveryFieldOfCanonicalRules() {
        SpendingRulesDocument document = SpendingRulesDocument.parse(bytes(VALID));

        assertEquals(ISSUER, document.issuer());
        assertEquals(31337, document.chainId());
        assertEquals(TOKEN, document.token());
        assertEquals(7, document.sequence());
        assertEquals(ISSUED, document.issued());
        assertEquals(VALID_RULES, document.rules());
        assertEquals(SIGNATURE, document.signature().hex());
    }

    @Test
    void rendersExactlyTheBytesItReadAndSignsEverythingBeforeTheSignatureLine() {
        SpendingRulesDocument document = SpendingRulesDocument.parse(bytes(VALID));

        assertArrayEquals(bytes(VALID), document.bytes());
        assertEquals(VALID.substring(0, VALID.indexOf("signature ")), document.body());
    }

    @Test
    void aSignerGetsTheCanonicalBodyWhateverOrderItHandsIn() {
        String body = SpendingRulesDocument.body(ISSUER, 31337, TOKEN, 7, ISSUED, VALID_RULES);

        assertEquals(VALID.substring(0, VALID.indexOf("signature ")), body);
    }

    @Test
    void noRuleLinesMeanNoLimitAndEachRuleStandsAlone() {
        String none = VALID.replaceAll("(merchant|merchant-category|product-category) [^\n]*\n", "");
        String productsOnly = VALID.replaceAll("(merchant|merchant-category) [^\n]*\n", "");

        assertEquals(SpendingRules.NONE, SpendingRulesDocument.parse(bytes(none)).rules());
        assertEquals(new SpendingRules(Optional.empty(), Optional.empty(), Optional.of(Set.of("groceries",
                "fresh-food"))), SpendingRulesDocument.parse(bytes(productsOnly)).rules());
    }

    @Test
    void aRulePresentButEmptyHasNoWrittenFormAndIsNotSignedAsNoLimit() {
        var nowhere = new SpendingRules(Optional.of(Set.of()), Optional.empty(), Optional.empty());

        var refused = assertThrows(IllegalArgumentException.class,
                () -> SpendingRulesDocument.body(ISSUER, 31337, TOKEN, 7, ISSUED, nowhere));

        assertTrue(refused.getMessage().contains("empty rule"), refused.getMessage());
    }

    static Stream<Arguments> outOfPlace() {
        return Stream.of(
                Arguments.of("an unknown line", VALID.replace("market\n", "market\nnote food only\n"), "line 9"),
                Arguments.of("an unknown rule", VALID.replace("product-category groceries\n",
                        "product-category groceries\nmax-amount 100\n"), "line 13"),
                Arguments.of("a duplicate header", VALID.replace("chain 31337\n", "chain 31337\nchain 31337\n"),
                        "line 4"),
                Arguments.of("a missing header", VALID.replace("chain 31337\n", ""), "line 3"),
                Arguments.of("a missing token", VALID.replace(TOKEN_LINE, ""), "line 4"),
                Arguments.of("headers out of order", VALID.replace("chain 31337\n" + TOKEN_LINE,
                        TOKEN_LINE + "chain 31337\n"), "line 3"),
                Arguments.of("a checksummed merchant", VALID.replace("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
                        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), "line 9"),
                Arguments.of("a checksummed token", VALID.replace("0x5fbdb2315678afecb367f032d93f642f64180aa3",
                        "0x5FbDB2315678afecb367f032d93F642f64180aa3"), "line 4"),
                Arguments.of("a short merchant", VALID.replace("merchant 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
                        "merchant 0x3c44cdddb6a900fa2b585dd299e03d12fa4293"), "line 9"),
                Arguments.of("merchants out of order", VALID.replace("merchant 0x3c44", "merchant 0xff44"),
                        "line 10: merchant entries must be in ascending order"),
                Arguments.of("a merchant listed twice", VALID.replace(GROCER_LINE, BAKERY_LINE), "line 10: 0x3c44"),
                Arguments.of("categories out of order", VALID.replace("merchant-category food-shop",
                        "merchant-category zoo"), "line 8: merchant-category entries must be in ascending order"),
                Arguments.of("a category listed twice", VALID.replace("product-category groceries",
                        "product-category fresh-food"), "line 12: fresh-food is listed twice"),
                Arguments.of("an upper-case category", VALID.replace("product-category groceries",
                        "product-category Groceries"), "line 12: a category"),
                Arguments.of("a category with a space", VALID.replace("merchant-category market",
                        "merchant-category farmers market"), "line 8"),
                Arguments.of("a category starting with a dash", VALID.replace("merchant-category market",
                        "merchant-category -market"), "line 8"),
                Arguments.of("a category of 33 characters", VALID.replace("merchant-category market",
                        "merchant-category m" + "a".repeat(32)), "line 8"),
                Arguments.of("an empty category", VALID.replace("merchant-category market", "merchant-category "),
                        "line 8"),
                Arguments.of("merchants before merchant categories", VALID.replace(
                        CATEGORY_LINES + BAKERY_LINE, BAKERY_LINE + CATEGORY_LINES),
                        "line 8: merchant-category lines must come before merchant lines"),
                Arguments.of("product categories before merchants", VALID.replace(
                        "merchant 0x90f79bf6eb2c4f870365e785982e1f101e93b906\nproduct-category fresh-food\n",
                        "product-category fresh-food\nmerchant 0x90f79bf6eb2c4f870365e785982e1f101e93b906\n"),
                        "line 11: merchant lines must come before product-category lines"),
                Arguments.of("an empty line among the rules", VALID.replace("merchant-category market\n",
                        "merchant-category market\n\n"), "line 9"),
                Arguments.of("Windows line ends", VALID.replace("\n", "\r\n"), "0x0d"),
                Arguments.of("a trailing space", VALID.replace("sequence 7", "sequence 7 "), "line 5"),
                Arguments.of("a trailing space on a rule", VALID.replace("market\n", "market \n"), "line 8"),
                Arguments.of("a leading zero", VALID.replace("sequence 7", "sequence 07"), "leading zeros"),
                Arguments.of("a sequence beyond 64 bits", VALID.replace("sequence 7", "sequence 9999999999999999999"),
                        "too large"),
                Arguments.of("chain 0", VALID.replace("chain 31337", "chain 0"), "chain id 0"),
                Arguments.of("an issue time with a fraction", VALID.replace("10:00:00Z", "10:00:00.5Z"), "line 6"),
                Arguments.of("an issue time with an offset", VALID.replace("10:00:00Z", "11:00:00+01:00"), "line 6"),
                Arguments.of("an impossible date", VALID.replace("2026-11-28", "2026-02-30"), "line 6"),
                Arguments.of("another version", VALID.replace("heitje-spending-rules 1", "heitje-spending-rules 2"),
                        "version"),
                Arguments.of("a deny-list", VALID.replace("heitje-spending-rules 1", "heitje-deny-list 1"),
                        "line 1: not Heitje spending rules"),
                Arguments.of("no signature", VALID.substring(0, VALID.indexOf("signature ")), "signature"),
                Arguments.of("an upper-case signature", VALID.replace(SIGNATURE,
                        SIGNATURE.toUpperCase().replace("0X", "0x")), "lower-case hex"),
                Arguments.of("a short signature", VALID.replace(SIGNATURE, SIGNATURE.substring(0, 130)), "130"),
                Arguments.of("a rule after the signature", VALID + "product-category toys\n", "follow"),
                Arguments.of("an empty line at the end", VALID + "\n", "follow"),
                Arguments.of("no line feed at the end", VALID.substring(0, VALID.length() - 1), "line feed"),
                Arguments.of("a non-ASCII byte", VALID.replace("groceries", "grocëries"), "printable ASCII"),
                Arguments.of("nothing at all", "", "line feed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfPlace")
    void refusesAnyDocumentNotInTheOneAcceptedForm(String what, String document, String reason) {
        var refused = assertThrows(SpendingRulesDocument.Unreadable.class,
                () -> SpendingRulesDocument.parse(document.getBytes(StandardCharsets.UTF_8)));

        assertTrue(refused.getMessage().contains(reason), what + ": " + refused.getMessage());
    }

    @Test
    void refusesADocumentLargerThanTheCeilingBeforeReadingIt() {
        var refused = assertThrows(SpendingRulesDocument.Unreadable.class,
                () -> SpendingRulesDocument.parse(new byte[SpendingRulesDocument.MAX_BYTES + 1]));

        assertTrue(refused.getMessage().contains("larger than"), refused.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
