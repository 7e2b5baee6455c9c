// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.crypto.SpendingRulesVerifier;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * A purse issuer signs with whatever wallet it has; ethers stands in for it here, and writes the canonical body on
 * its own too, from the rules as JSON. Our verifier must accept what ethers writes and signs, and our simulator's
 * signer must produce exactly the same bytes.
 */
class SpendingRulesIssuerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Token PURSE = new Token("HEIT", LocalChain.CHAIN_ID,
            Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), "Heerlens Heitje", "1", 2);
    private static final Address BAKERY = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address GROCER = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final Instant ISSUED = Instant.parse("2026-11-28T10:00:00Z");
    private static final SpendingRules RULES = new SpendingRules(Optional.of(Set.of(BAKERY, GROCER)),
            Optional.of(Set.of("market", "food-shop")), Optional.of(Set.of("groceries", "fresh-food")));
    private final SpendingRulesIssuer issuer = new SpendingRulesIssuer(LocalChain.MUNICIPALITY);
    private final SpendingRulesVerifier verifier = new SpendingRulesVerifier(issuer.address(), PURSE);

    /** The rules as an issuer would write them by hand: mixed case, out of order, one entry twice. */
    private static ObjectNode rulesJson(long sequence) {
        ObjectNode rules = JSON.createObjectNode()
                .put("chainId", PURSE.chainId())
                .put("token", "0x5FbDB2315678afecb367f032d93F642f64180aa3")
                .put("sequence", sequence)
                .put("issued", "2026-11-28T10:00:00Z");
        rules.putArray("merchantCategories").add("market").add("food-shop").add("market");
        rules.putArray("merchants").add("0x90F79bf6EB2c4f870365E785982E1f101E93b906").add(BAKERY.hex());
        rules.putArray("productCategories").add("groceries").add("fresh-food");
        return rules;
    }

    @Test
    void ourVerifierAcceptsRulesWrittenAndSignedByEthers() throws Exception {
        byte[] signedByEthers = EthersSigner.signSpendingRules(privateKey(), rulesJson(7));

        var verified = assertInstanceOf(SpendingRulesVerifier.Verification.Verified.class,
                verifier.verify(signedByEthers));
        assertEquals(7, verified.document().sequence());
        assertEquals(RULES, verified.document().rules());
    }

    @Test
    void ourSignerProducesByteForByteWhatEthersProduces() throws Exception {
        assertArrayEquals(EthersSigner.signSpendingRules(privateKey(), rulesJson(8)),
                issuer.issue(PURSE, 8, ISSUED, RULES));
    }

    @Test
    void rulesWithoutAnyLimitAreWrittenAlikeToo() throws Exception {
        ObjectNode none = rulesJson(9);
        none.remove("merchantCategories");
        none.remove("merchants");
        none.remove("productCategories");

        assertArrayEquals(EthersSigner.signSpendingRules(privateKey(), none),
                issuer.issue(PURSE, 9, ISSUED, SpendingRules.NONE));
    }

    @Test
    void ethersSignatureOverOtherRulesDoesNotVerifyForThese() throws Exception {
        String signed = new String(EthersSigner.signSpendingRules(privateKey(), rulesJson(10)),
                StandardCharsets.US_ASCII);
        String grafted = issuer.body(PURSE, 10, ISSUED, SpendingRules.NONE)
                + signed.substring(signed.indexOf("signature "));

        var refused = assertInstanceOf(SpendingRulesVerifier.Verification.Unverifiable.class,
                verifier.verify(grafted.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(refused.reason().contains("not by the issuer"), refused.reason());
    }

    private static String privateKey() {
        return Numeric.toHexStringWithPrefixZeroPadded(LocalChain.MUNICIPALITY.getEcKeyPair().getPrivateKey(), 64);
    }
}
