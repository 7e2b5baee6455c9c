// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;
import org.web3j.crypto.ECKeyPair;

/**
 * The municipality's side of the deny-list for the simulator and the tests: builds the canonical body and signs it
 * with {@code personal_sign}, as a municipality would with any wallet (docs/deny-list.md). The simulator's issuer is
 * anvil's development account 0, the same dev key that mints; nothing it signs may ever be trusted elsewhere.
 */
public final class DenyListIssuer {
    private final ECKeyPair key;
    private final long chainId;

    public DenyListIssuer(ECKeyPair key, long chainId) {
        this.key = key;
        this.chainId = chainId;
    }

    /** The dev municipality of the local chain. */
    public static DenyListIssuer municipality() {
        return new DenyListIssuer(LocalChain.MUNICIPALITY.getEcKeyPair(), LocalChain.CHAIN_ID);
    }

    public Address address() {
        return Signatures.addressOf(key);
    }

    /** The body a terminal verifies; {@code issued} is cut to whole seconds, the format's precision. */
    public String body(long sequence, Instant issued, Collection<Address> denied) {
        return DenyListDocument.body(address(), chainId, sequence, issued.truncatedTo(ChronoUnit.SECONDS), denied);
    }

    /** A signed document, ready to be served, copied or handed to a terminal's inbox. */
    public byte[] issue(long sequence, Instant issued, Collection<Address> denied) {
        String body = body(sequence, issued, denied);
        String signature = Signatures.signPersonalMessage(body.getBytes(StandardCharsets.US_ASCII), key).hex();
        return (body + "signature " + signature + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
