// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Instant;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;
import org.web3j.crypto.ECKeyPair;

/** Signs spending rules for tests, the way a purse issuer does: personal_sign over the canonical body. */
public final class SpendingRulesSigner {
    /** The test purse issuer's signing key. */
    public static final ECKeyPair ISSUER_KEY = Authorizations.key("Heerlen food bank");
    public static final Address ISSUER = Signatures.addressOf(ISSUER_KEY);

    private SpendingRulesSigner() {
    }

    /** Rules for the purse, signed by the test issuer. */
    public static byte[] signed(Token purse, long sequence, Instant issued, SpendingRules rules) {
        return signed(ISSUER_KEY, purse.chainId(), purse.contract(), sequence, issued, rules);
    }

    /** Rules whose header names the key's own address as issuer, for any chain and token. */
    public static byte[] signed(ECKeyPair key, long chainId, Address token, long sequence, Instant issued,
                                SpendingRules rules) {
        String body = SpendingRulesDocument.body(Signatures.addressOf(key), chainId, token, sequence, issued, rules);
        return DenyLists.signedBody(key, body);
    }
}
