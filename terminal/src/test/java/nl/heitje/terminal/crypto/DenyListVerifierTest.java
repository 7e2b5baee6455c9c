// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import static nl.heitje.terminal.support.DenyLists.ISSUER;
import static nl.heitje.terminal.support.DenyLists.MUNICIPALITY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

class DenyListVerifierTest {
    private static final Address LOST_CARD = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Instant ISSUED = Instant.parse("2026-03-10T08:00:00Z");
    private final DenyListVerifier verifier = new DenyListVerifier(ISSUER, Fixtures.HEIT.chainId());

    @Test
    void acceptsAListTheMunicipalitySignedForThisChain() {
        var verification = verifier.verify(DenyLists.signed(7, ISSUED, LOST_CARD));

        var verified = assertInstanceOf(DenyListVerifier.Verification.Verified.class, verification);
        assertEquals(7, verified.list().sequence());
        assertEquals(Set.of(LOST_CARD), verified.list().denied());
    }

    @Test
    void oneChangedByteMakesTheListUnverifiable() {
        String document = new String(DenyLists.signed(7, ISSUED, LOST_CARD), StandardCharsets.US_ASCII);
        // Still a well-formed list, naming someone else: only the signature can tell.
        String tampered = document.replace("deny 0x3c44", "deny 0x3c45");

        String reason = unverifiable(tampered.getBytes(StandardCharsets.US_ASCII));

        assertTrue(reason.contains("not by the issuer " + ISSUER), reason);
    }

    @Test
    void aListSignedByAnotherKeyIsUnverifiable() {
        ECKeyPair stranger = Authorizations.key("not the municipality");

        String reason = unverifiable(DenyLists.signed(stranger, Fixtures.HEIT.chainId(), 7, ISSUED));

        assertTrue(reason.contains("signed by " + Signatures.addressOf(stranger)), reason);
    }

    @Test
    void aListSignedByAnotherKeyInTheMunicipalitysNameIsUnverifiable() {
        ECKeyPair stranger = Authorizations.key("not the municipality");
        String body = DenyListDocument.body(ISSUER, Fixtures.HEIT.chainId(), 7, ISSUED, Set.of());

        String reason = unverifiable(DenyLists.signedBody(stranger, body));

        assertTrue(reason.contains("signed by " + Signatures.addressOf(stranger)), reason);
    }

    @Test
    void aListTheMunicipalitySignedForAnotherChainIsRefused() {
        String reason = unverifiable(DenyLists.signed(MUNICIPALITY, 1, 7, ISSUED, LOST_CARD));

        assertTrue(reason.contains("issued for chain 1"), reason);
    }

    @Test
    void theMunicipalitysKeyCannotVouchForAHeaderNamingAnotherIssuer() {
        Address other = Address.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
        String body = DenyListDocument.body(other, Fixtures.HEIT.chainId(), 7, ISSUED, Set.of());

        String reason = unverifiable(DenyLists.signedBody(MUNICIPALITY, body));

        assertTrue(reason.contains("names " + other + " as its issuer"), reason);
    }

    @Test
    void theHighSTwinOfTheMunicipalitysSignatureIsRefused() {
        DenyListDocument list = DenyListDocument.parse(DenyLists.signed(7, ISSUED, LOST_CARD));
        Signature low = list.signature();
        Signature high = new Signature(low.r(), Sign.CURVE_PARAMS.getN().subtract(low.s()), low.v() == 27 ? 28 : 27);
        byte[] twin = (list.body() + "signature " + high.hex() + "\n").getBytes(StandardCharsets.US_ASCII);

        assertEquals("the signature recovers no signer", unverifiable(twin));
    }

    @Test
    void aDocumentInTheWrongFormIsUnverifiableAndSaysWhere() {
        String reason = unverifiable((LOST_CARD.hex() + "\n").getBytes(StandardCharsets.US_ASCII));

        assertTrue(reason.startsWith("unreadable: line 1"), reason);
    }

    private String unverifiable(byte[] document) {
        return assertInstanceOf(DenyListVerifier.Verification.Unverifiable.class, verifier.verify(document)).reason();
    }
}
