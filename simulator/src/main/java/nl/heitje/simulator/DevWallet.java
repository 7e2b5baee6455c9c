// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;

/**
 * A citizen's wallet in Java, for generating load and chain fixtures fast. Correctness tests of the QR format use
 * ethers instead (see the end-to-end test), so that our signer never vouches for our verifier.
 */
public final class DevWallet {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ECKeyPair key;

    private DevWallet(ECKeyPair key) {
        this.key = key;
    }

    public static DevWallet create() {
        try {
            return new DevWallet(Keys.createEcKeyPair(RANDOM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no secp256k1 key generator", e);
        }
    }

    /** The wallet of a key the simulator already holds (a citizen's, whose card has the same key). */
    public static DevWallet of(ECKeyPair key) {
        return new DevWallet(key);
    }

    public Address address() {
        return Signatures.addressOf(key);
    }

    /** Signs EIP-3009's {@code CancelAuthorization(authorizer, nonce)}: the payer withdrawing an authorization. */
    public Signature cancellation(Token token, Nonce nonce) {
        byte[] struct = new byte[96];
        System.arraycopy(Hash.sha3("CancelAuthorization(address authorizer,bytes32 nonce)"
                .getBytes(StandardCharsets.US_ASCII)), 0, struct, 0, 32);
        System.arraycopy(address().bytes(), 0, struct, 32 + 12, 20);
        System.arraycopy(nonce.bytes(), 0, struct, 64, 32);
        return Signatures.sign(Eip3009.typedDataDigest(Eip3009.domainSeparator(token), Hash.sha3(struct)), key);
    }

    /** Authorizes {@code units} to {@code payee}, valid from the epoch until {@code validBefore}, with a fresh nonce. */
    public TransferAuthorization authorize(Token token, Address payee, long units, long validBefore) {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return authorize(token, payee, units, validBefore, Nonce.of(nonce));
    }

    /**
     * Authorizes with a nonce of the caller's choosing: EIP-3009 nonces are per payer, not per payee, so a payer
     * who reuses one can spend an authorization they already handed to a merchant (the attack tests need this).
     */
    public TransferAuthorization authorize(Token token, Address payee, long units, long validBefore, Nonce nonce) {
        // The placeholder signature is not covered by the digest; signing replaces it.
        var fields = new TransferAuthorization(token.chainId(), token.contract(), address(), payee,
                BigInteger.valueOf(units), 0, validBefore, nonce, Signature.UNSIGNED);
        return Eip3009.sign(token, fields, key);
    }
}
