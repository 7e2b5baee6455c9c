// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;

/**
 * Decides whether a deny-list document is the municipality's: it must be in the one accepted form, its
 * {@code personal_sign} signature must recover to the configured issuer, and it must be issued for this chain.
 * No IO: the same answer for the same bytes, online or offline.
 */
public final class DenyListVerifier {
    private final Address issuer;
    private final long chainId;

    public DenyListVerifier(Address issuer, long chainId) {
        this.issuer = issuer;
        this.chainId = chainId;
    }

    /** The outcome of a verification; an unverifiable document is an expected outcome, not a fault. */
    public sealed interface Verification {
        record Verified(DenyListDocument list) implements Verification {
        }

        record Unverifiable(String reason) implements Verification {
        }
    }

    public Verification verify(byte[] document) {
        DenyListDocument list;
        try {
            list = DenyListDocument.parse(document);
        } catch (DenyListDocument.Unreadable unreadable) {
            return new Verification.Unverifiable("unreadable: " + unreadable.getMessage());
        }
        Optional<Address> signer = Signatures.recoverSigner(Signatures.personalMessageDigest(list.bodyBytes()),
                list.signature());
        if (signer.isEmpty()) {
            return new Verification.Unverifiable("the signature recovers no signer");
        }
        if (!signer.get().equals(issuer)) {
            return new Verification.Unverifiable("signed by " + signer.get() + ", not by the issuer " + issuer);
        }
        if (!list.issuer().equals(issuer)) {
            return new Verification.Unverifiable("names " + list.issuer() + " as its issuer, not " + issuer);
        }
        if (list.chainId() != chainId) {
            return new Verification.Unverifiable("issued for chain " + list.chainId() + ", this terminal is on chain "
                    + chainId);
        }
        return new Verification.Verified(list);
    }
}
