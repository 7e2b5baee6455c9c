// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import static nl.heitje.terminal.support.SpendingRulesSigner.ISSUER;
import static nl.heitje.terminal.support.SpendingRulesSigner.ISSUER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.SpendingRulesSigner;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;

class SpendingRulesVerifierTest {
    private static final Instant ISSUED = Instant.parse("2026-03-10T08:00:00Z");
    private static final SpendingRules FOOD_ONLY = new SpendingRules(Optional.empty(), Optional.empty(),
            Optional.of(Set.of("groceries")));
    private static final Address OTHER_TOKEN = Address.parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
    private final SpendingRulesVerifier verifier = new SpendingRulesVerifier(ISSUER, Fixtures.HEIT);

    @Test
    void acceptsRulesTheIssuerSignedForThisPurse() {
        var verification = verifier.verify(SpendingRulesSigner.signed(Fixtures.HEIT, 7, ISSUED, FOOD_ONLY));

        var verified = assertInstanceOf(SpendingRulesVerifier.Verification.Verified.class, verification);
        assertEquals(7, verified.document().sequence());
        assertEquals(FOOD_ONLY, verified.document().rules());
    }

    @Test
    void oneChangedByteMakesTheRulesUnverifiable() {
        String document = new String(SpendingRulesSigner.signed(Fixtures.HEIT, 7, ISSUED, FOOD_ONLY),
                StandardCharsets.US_ASCII);
        // Still well-formed rules, freeing the purse for something else: only the signature can tell.
        String tampered = document.replace("product-category groceries", "product-category groceriez");

        String reason = unverifiable(tampered.getBytes(StandardCharsets.US_ASCII));

        assertTrue(reason.contains("not by the issuer " + ISSUER), reason);
    }

    @Test
    void rulesSignedByAnotherKeyAreUnverifiable() {
        ECKeyPair stranger = Authorizations.key("not the issuer");

        String reason = unverifiable(SpendingRulesSigner.signed(stranger, Fixtures.HEIT.chainId(),
                Fixtures.HEIT.contract(), 7, ISSUED, FOOD_ONLY));

        assertTrue(reason.contains("signed by " + Signatures.addressOf(stranger)), reason);
    }

    @Test
    void theIssuersKeyCannotVouchForAHeaderNamingAnotherIssuer() {
        Address other = Address.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
        String body = SpendingRulesDocument.body(other, Fixtures.HEIT.chainId(), Fixtures.HEIT.contract(), 7, ISSUED,
                FOOD_ONLY);

        String reason = unverifiable(DenyLists.signedBody(ISSUER_KEY, body));

        assertTrue(reason.contains("names " + other + " as its issuer"), reason);
    }

    @Test
    void rulesTheIssuerSignedForAnotherChainAreRefused() {
        String reason = unverifiable(SpendingRulesSigner.signed(ISSUER_KEY, 1, Fixtures.HEIT.contract(), 7, ISSUED,
                FOOD_ONLY));

        assertTrue(reason.contains("issued for chain 1"), reason);
    }

    @Test
    void rulesTheIssuerSignedForAnotherOfItsTokensAreRefused() {
        String reason = unverifiable(SpendingRulesSigner.signed(ISSUER_KEY, Fixtures.HEIT.chainId(), OTHER_TOKEN, 7,
                ISSUED, SpendingRules.NONE));

        assertTrue(reason.contains("issued for token " + OTHER_TOKEN), reason);
    }

    @Test
    void aDenyListIsNotSpendingRulesAndSaysWhere() {
        String reason = unverifiable(DenyLists.signed(ISSUER_KEY, Fixtures.HEIT.chainId(), 7, ISSUED));

        assertTrue(reason.startsWith("unreadable: line 1"), reason);
    }

    private String unverifiable(byte[] document) {
        return assertInstanceOf(SpendingRulesVerifier.Verification.Unverifiable.class, verifier.verify(document))
                .reason();
    }
}
