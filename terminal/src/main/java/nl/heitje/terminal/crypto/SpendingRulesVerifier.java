// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;

/**
 * Decides whether a spending-rules document is the purse issuer's, for this purse: it must be in the one accepted
 * form, its {@code personal_sign} signature must recover to the configured issuer, and it must name the purse's
 * chain and token contract (rules for another purse of the same issuer must not limit, or free, this one). No IO:
 * the same answer for the same bytes, online or offline.
 */
public final class SpendingRulesVerifier {
    private final Address issuer;
    private final Token purse;

    /**
     * @param issuer the purse's configured issuer ({@code token.X.issuer})
     * @param purse  the purse the rules must be for
     */
    public SpendingRulesVerifier(Address issuer, Token purse) {
        this.issuer = issuer;
        this.purse = purse;
    }

    /** The outcome of a verification; an unverifiable document is an expected outcome, not a fault. */
    public sealed interface Verification {
        record Verified(SpendingRulesDocument document) implements Verification {
        }

        record Unverifiable(String reason) implements Verification {
        }
    }

    public Verification verify(byte[] document) {
        SpendingRulesDocument rules;
        try {
            rules = SpendingRulesDocument.parse(document);
        } catch (SpendingRulesDocument.Unreadable unreadable) {
            return new Verification.Unverifiable("unreadable: " + unreadable.getMessage());
        }
        Optional<Address> signer = Signatures.recoverSigner(Signatures.personalMessageDigest(rules.bodyBytes()),
                rules.signature());
        if (signer.isEmpty()) {
            return new Verification.Unverifiable("the signature recovers no signer");
        }
        if (!signer.get().equals(issuer)) {
            return new Verification.Unverifiable("signed by " + signer.get() + ", not by the issuer " + issuer);
        }
        if (!rules.issuer().equals(issuer)) {
            return new Verification.Unverifiable("names " + rules.issuer() + " as its issuer, not " + issuer);
        }
        if (rules.chainId() != purse.chainId()) {
            return new Verification.Unverifiable("issued for chain " + rules.chainId() + ", " + purse.symbol()
                    + " is on chain " + purse.chainId());
        }
        if (!rules.token().equals(purse.contract())) {
            return new Verification.Unverifiable("issued for token " + rules.token() + ", " + purse.symbol()
                    + " is " + purse.contract());
        }
        return new Verification.Verified(rules);
    }
}
