// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.Hash;

/**
 * ABI encoding of the few calls the terminal makes. Written out rather than built through web3j's generic type
 * system: the layouts are fixed, and this keeps the settlement path short and easy to check against the spec.
 */
final class Calldata {
    static final byte[] BALANCE_OF = selector("balanceOf(address)");
    static final byte[] AUTHORIZATION_STATE = selector("authorizationState(address,bytes32)");
    static final byte[] TRANSFER_WITH_AUTHORIZATION =
            selector("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)");
    static final byte[] AGGREGATE3 = selector("aggregate3((address,bool,bytes)[])");
    static final byte[] DOMAIN_SEPARATOR = selector("DOMAIN_SEPARATOR()");
    static final String AUTHORIZATION_USED_TOPIC = topic("AuthorizationUsed(address,bytes32)");
    static final String AUTHORIZATION_CANCELED_TOPIC = topic("AuthorizationCanceled(address,bytes32)");
    static final String TRANSFER_TOPIC = topic("Transfer(address,address,uint256)");

    private Calldata() {
    }

    static byte[] balanceOf(Address holder) {
        return concat(BALANCE_OF, word(holder));
    }

    static byte[] authorizationState(Address authorizer, byte[] nonce) {
        return concat(AUTHORIZATION_STATE, word(authorizer), nonce);
    }

    static byte[] transferWithAuthorization(TransferAuthorization a) {
        return concat(TRANSFER_WITH_AUTHORIZATION, word(a.from()), word(a.to()), word(a.value()),
                word(unsigned(a.validAfter())), word(unsigned(a.validBefore())), a.nonce().bytes(),
                word(BigInteger.valueOf(a.signature().v())), word(a.signature().r()), word(a.signature().s()));
    }

    /** {@code aggregate3} with {@code allowFailure = true} for every call, so one bad item cannot sink the batch. */
    static byte[] aggregate3(List<TransferAuthorization> authorizations) {
        List<byte[]> elements = new ArrayList<>();
        for (TransferAuthorization a : authorizations) {
            byte[] inner = transferWithAuthorization(a);
            elements.add(concat(word(a.token()), word(BigInteger.ONE), word(BigInteger.valueOf(96)),
                    word(BigInteger.valueOf(inner.length)), padRight(inner)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(AGGREGATE3);
        out.writeBytes(word(BigInteger.valueOf(32)));
        out.writeBytes(word(BigInteger.valueOf(elements.size())));
        long offset = 32L * elements.size();
        for (byte[] element : elements) {
            out.writeBytes(word(BigInteger.valueOf(offset)));
            offset += element.length;
        }
        elements.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static String topic(String eventSignature) {
        return org.web3j.utils.Numeric.toHexString(Hash.sha3(eventSignature.getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] selector(String signature) {
        return Arrays.copyOf(Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII)), 4);
    }

    static byte[] word(Address address) {
        byte[] out = new byte[32];
        System.arraycopy(address.bytes(), 0, out, 12, 20);
        return out;
    }

    static byte[] word(BigInteger unsigned) {
        return Hex.word(unsigned);
    }

    private static BigInteger unsigned(long uint64) {
        return new BigInteger(Long.toUnsignedString(uint64));
    }

    private static byte[] padRight(byte[] data) {
        return Arrays.copyOf(data, (data.length + 31) / 32 * 32);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
