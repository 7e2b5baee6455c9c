// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

/**
 * Builds EIP-3009 authorizations the way a citizen's wallet would: every field chosen, then signed with the
 * payer's key over the token's EIP-712 domain. Defaults give one that the test terminal approves.
 */
public final class Authorizations {
    private Authorizations() {
    }

    /** A test key derived from a name, so the same name is the same payer in every run. */
    public static ECKeyPair key(String name) {
        return ECKeyPair.create(new BigInteger(1, Hash.sha3(name.getBytes(StandardCharsets.UTF_8))));
    }

    public static Nonce nonce(String name) {
        return Nonce.of(Hash.sha3(("nonce:" + name).getBytes(StandardCharsets.UTF_8)));
    }

    public static Nonce nonce(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Nonce.of(bytes);
    }

    /** The digest {@code authorization} must be signed over for {@code token}'s domain. */
    public static byte[] digest(Token token, TransferAuthorization authorization) {
        return Eip3009.digest(Eip3009.domainSeparator(token), authorization);
    }

    /** Signs the given fields under {@code token}'s domain; chainId and contract come from the token. */
    public static TransferAuthorization signed(Token token, ECKeyPair payer, Address merchant, long value,
                                               long validAfter, long validBefore, Nonce nonce) {
        return builder(token, payer).to(merchant).value(value).validAfter(validAfter).validBefore(validBefore)
                .nonce(nonce).build();
    }

    public static Builder builder(Token token, ECKeyPair payer) {
        return new Builder(token, payer);
    }

    public static final class Builder {
        private Token domain;
        private ECKeyPair signer;
        private Address from;
        private Address to = Fixtures.MERCHANT;
        private BigInteger value = BigInteger.valueOf(450);
        private long validAfter = Fixtures.NOW.getEpochSecond() - 60;
        // Two days: outlives even the offline settlement window.
        private long validBefore = Fixtures.NOW.getEpochSecond() + 2 * 86_400;
        private Nonce nonce = Authorizations.nonce("default");

        private Builder(Token domain, ECKeyPair payer) {
            this.domain = domain;
            this.signer = payer;
            this.from = Signatures.addressOf(payer);
        }

        /** Signs under another token's domain (another chain id or contract) and names it in the fields. */
        public Builder domain(Token token) {
            this.domain = token;
            return this;
        }

        /** Signs with this key but keeps {@code from} as it is: a forgery. */
        public Builder signedBy(ECKeyPair key) {
            this.signer = key;
            return this;
        }

        public Builder from(Address payer) {
            this.from = payer;
            return this;
        }

        public Builder to(Address merchant) {
            this.to = merchant;
            return this;
        }

        public Builder value(long units) {
            this.value = BigInteger.valueOf(units);
            return this;
        }

        public Builder validAfter(long seconds) {
            this.validAfter = seconds;
            return this;
        }

        public Builder validBefore(long seconds) {
            this.validBefore = seconds;
            return this;
        }

        public Builder nonce(Nonce nonce) {
            this.nonce = nonce;
            return this;
        }

        public TransferAuthorization build() {
            // A placeholder signature: the digest does not cover it.
            Signature placeholder = new Signature(BigInteger.ONE, BigInteger.ONE, 27);
            TransferAuthorization unsigned = new TransferAuthorization(domain.chainId(), domain.contract(), from, to,
                    value, validAfter, validBefore, nonce, placeholder);
            return Eip3009.sign(domain, unsigned, signer);
        }
    }
}
