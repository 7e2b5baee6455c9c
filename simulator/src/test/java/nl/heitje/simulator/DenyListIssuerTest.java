// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import nl.heitje.terminal.crypto.DenyListVerifier;
import nl.heitje.terminal.domain.Address;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * The municipality signs with whatever wallet it has; ethers stands in for it here, as the independent second
 * implementation of {@code personal_sign}. Our verifier must accept what ethers signs, and our simulator's signer
 * must produce exactly what ethers produces.
 */
class DenyListIssuerTest {
    private static final Address LOST_CARD = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address FRAUD = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final Instant ISSUED = Instant.parse("2026-11-28T10:00:00Z");
    private final DenyListIssuer municipality = DenyListIssuer.municipality();
    private final DenyListVerifier verifier = new DenyListVerifier(municipality.address(), LocalChain.CHAIN_ID);

    @Test
    void ourVerifierAcceptsAListSignedByEthers() throws Exception {
        String body = municipality.body(42, ISSUED, List.of(LOST_CARD, FRAUD));

        byte[] signedByEthers = EthersSigner.signDenyList(privateKey(), body);

        var verified = assertInstanceOf(DenyListVerifier.Verification.Verified.class, verifier.verify(signedByEthers));
        assertEquals(42, verified.list().sequence());
        assertEquals(Set.of(LOST_CARD, FRAUD), verified.list().denied());
    }

    @Test
    void ourSignerProducesByteForByteWhatEthersProduces() throws Exception {
        String body = municipality.body(43, ISSUED, List.of(FRAUD));

        assertArrayEquals(EthersSigner.signDenyList(privateKey(), body), municipality.issue(43, ISSUED, List.of(FRAUD)));
    }

    @Test
    void ethersSignatureOverAnotherBodyDoesNotVerifyForThisOne() throws Exception {
        String signed = new String(EthersSigner.signDenyList(privateKey(), municipality.body(44, ISSUED, List.of())),
                StandardCharsets.US_ASCII);
        String grafted = municipality.body(44, ISSUED, List.of()).replace("sequence 44", "sequence 45")
                + signed.substring(signed.indexOf("signature "));

        var refused = assertInstanceOf(DenyListVerifier.Verification.Unverifiable.class,
                verifier.verify(grafted.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(refused.reason().contains("not by the issuer"), refused.reason());
    }

    private static String privateKey() {
        return Numeric.toHexStringWithPrefixZeroPadded(LocalChain.MUNICIPALITY.getEcKeyPair().getPrivateKey(), 64);
    }
}
