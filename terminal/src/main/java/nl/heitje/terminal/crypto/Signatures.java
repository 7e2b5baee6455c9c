// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import java.math.BigInteger;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Signature;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** secp256k1 recovery and signing as the EVM does it (ecrecover with the EIP-2 low-s rule). */
public final class Signatures {
    private static final BigInteger CURVE_ORDER = Sign.CURVE_PARAMS.getN();

    private Signatures() {
    }

    /** The address that signed this digest, or empty when the signature is not canonical or recovers nothing. */
    public static Optional<Address> recoverSigner(byte[] digest, Signature signature) {
        if (!signature.isCanonical() || signature.r().compareTo(CURVE_ORDER) >= 0) {
            return Optional.empty();
        }
        try {
            BigInteger publicKey = Sign.recoverFromSignature(signature.v() - 27,
                    new ECDSASignature(signature.r(), signature.s()), digest);
            return publicKey == null ? Optional.empty() : Optional.of(Address.parse("0x" + Keys.getAddress(publicKey)));
        } catch (RuntimeException notOnCurve) {
            // A crafted r can name no curve point; that is a bad signature, not a fault.
            return Optional.empty();
        }
    }

    /**
     * The EIP-191 ({@code personal_sign}) digest of a message: keccak256 of {@code "\x19Ethereum Signed Message:\n"},
     * the message length in decimal and the message. What wallets and ethers' {@code signMessage} sign.
     */
    public static byte[] personalMessageDigest(byte[] message) {
        return Sign.getEthereumMessageHash(message);
    }

    /** Signs a message the way {@code personal_sign} does (see {@link #personalMessageDigest}). */
    public static Signature signPersonalMessage(byte[] message, ECKeyPair key) {
        return sign(personalMessageDigest(message), key);
    }

    /** Signs a 32-byte digest; web3j already returns the low-s form with v 27/28. */
    public static Signature sign(byte[] digest, ECKeyPair key) {
        Sign.SignatureData data = Sign.signMessage(digest, key, false);
        return new Signature(new BigInteger(1, data.getR()), new BigInteger(1, data.getS()), data.getV()[0] & 0xFF);
    }

    public static Address addressOf(ECKeyPair key) {
        return Address.parse("0x" + Keys.getAddress(key.getPublicKey()));
    }
}
