// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

/**
 * The EIP-712 digest of an EIP-3009 {@code TransferWithAuthorization}: the 32 bytes the payer signs and the
 * token contract checks. Built by hand rather than through web3j's JSON-driven encoder, which costs more per
 * payment on the tap-to-approve path; the test vectors hold it against ethers.
 */
public final class Eip3009 {
    private static final byte[] DOMAIN_TYPEHASH = keccak(
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    private static final byte[] TRANSFER_TYPEHASH = keccak(
            "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)");

    private Eip3009() {
    }

    public static byte[] domainSeparator(Token token) {
        byte[] encoded = new byte[32 * 5];
        put(encoded, 0, DOMAIN_TYPEHASH);
        put(encoded, 1, keccak(token.eip712Name()));
        put(encoded, 2, keccak(token.eip712Version()));
        put(encoded, 3, word(BigInteger.valueOf(token.chainId())));
        put(encoded, 4, word(token.contract().bytes()));
        return Hash.sha3(encoded);
    }

    /** The digest to sign, given the token's domain separator (cache it: it never changes for a token). */
    public static byte[] digest(byte[] domainSeparator, TransferAuthorization authorization) {
        byte[] struct = new byte[32 * 7];
        put(struct, 0, TRANSFER_TYPEHASH);
        put(struct, 1, word(authorization.from().bytes()));
        put(struct, 2, word(authorization.to().bytes()));
        put(struct, 3, word(authorization.value()));
        put(struct, 4, word(BigInteger.valueOf(authorization.validAfter()).and(UINT64_MASK)));
        put(struct, 5, word(BigInteger.valueOf(authorization.validBefore()).and(UINT64_MASK)));
        put(struct, 6, authorization.nonce().bytes());
        return typedDataDigest(domainSeparator, Hash.sha3(struct));
    }

    /** EIP-712's final step: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)). */
    public static byte[] typedDataDigest(byte[] domainSeparator, byte[] structHash) {
        byte[] message = new byte[2 + 32 + 32];
        message[0] = 0x19;
        message[1] = 0x01;
        System.arraycopy(domainSeparator, 0, message, 2, 32);
        System.arraycopy(structHash, 0, message, 34, 32);
        return Hash.sha3(message);
    }

    /** Signs the authorization's fields under the token's domain, as a wallet or card would; for tools and tests. */
    public static TransferAuthorization sign(Token token, TransferAuthorization fields, ECKeyPair payer) {
        return fields.withSignature(Signatures.sign(digest(domainSeparator(token), fields), payer));
    }

    private static final BigInteger UINT64_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static byte[] keccak(String text) {
        return Hash.sha3(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(byte[] target, int wordIndex, byte[] word) {
        System.arraycopy(word, 0, target, wordIndex * 32, 32);
    }

    private static byte[] word(BigInteger unsigned) {
        return Hex.word(unsigned);
    }

    private static byte[] word(byte[] leftPadded) {
        byte[] out = new byte[32];
        System.arraycopy(leftPadded, 0, out, 32 - leftPadded.length, leftPadded.length);
        return out;
    }
}
