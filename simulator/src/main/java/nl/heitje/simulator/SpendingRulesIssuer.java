// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;
import org.web3j.crypto.Credentials;

/**
 * A purse issuer's side of the spending rules for the simulator and the tests: builds the canonical body for one
 * purse and signs it with {@code personal_sign}, as an issuer would with any wallet (docs/spending-rules.md). The
 * simulator's issuers hold development keys; nothing they sign may ever be trusted elsewhere.
 */
public final class SpendingRulesIssuer {
    private final Credentials issuer;

    public SpendingRulesIssuer(Credentials issuer) {
        this.issuer = issuer;
    }

    public Address address() {
        return Signatures.addressOf(issuer.getEcKeyPair());
    }

    /**
     * The body a terminal verifies; {@code issued} is cut to whole seconds, the format's precision.
     *
     * @throws IllegalArgumentException for rules with a present but empty rule, which have no written form
     */
    public String body(Token purse, long sequence, Instant issued, SpendingRules rules) {
        return SpendingRulesDocument.body(address(), purse.chainId(), purse.contract(), sequence,
                issued.truncatedTo(ChronoUnit.SECONDS), rules);
    }

    /** A signed document for one purse, ready to be served at its rules URL or handed to a terminal's inbox. */
    public byte[] issue(Token purse, long sequence, Instant issued, SpendingRules rules) {
        String body = body(purse, sequence, issued, rules);
        String signature = Signatures.signPersonalMessage(body.getBytes(StandardCharsets.US_ASCII),
                issuer.getEcKeyPair()).hex();
        return (body + "signature " + signature + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
