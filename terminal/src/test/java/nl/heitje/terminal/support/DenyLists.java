// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;
import org.web3j.crypto.ECKeyPair;

/** Signs deny-lists for tests, the way a municipality does: personal_sign over the canonical body. */
public final class DenyLists {
    /** The test municipality's signing key. */
    public static final ECKeyPair MUNICIPALITY = Authorizations.key("municipality of Heerlen");
    public static final Address ISSUER = Signatures.addressOf(MUNICIPALITY);

    private DenyLists() {
    }

    /** A list for the test chain, signed by the test municipality. */
    public static byte[] signed(long sequence, Instant issued, Address... denied) {
        return signed(MUNICIPALITY, Fixtures.HEIT.chainId(), sequence, issued, denied);
    }

    /** A list whose header names the key's own address as issuer, for any chain. */
    public static byte[] signed(ECKeyPair key, long chainId, long sequence, Instant issued, Address... denied) {
        String body = DenyListDocument.body(Signatures.addressOf(key), chainId, sequence, issued, List.of(denied));
        return signedBody(key, body);
    }

    /** Signs any text as a deny-list body, well-formed or not, and appends the signature line. */
    public static byte[] signedBody(ECKeyPair key, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        String signature = Signatures.signPersonalMessage(bytes, key).hex();
        return (body + "signature " + signature + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
