// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;

/**
 * The citizen payment QR of payment-qr.md, version 1: {@code HTJ1:} followed by base45 of a fixed 215-byte layout.
 * Decoding accepts exactly that format and nothing looser; everything else is empty (declined {@code MALFORMED}).
 */
public final class PaymentQrCodec {
    public static final String PREFIX = "HTJ1:";
    public static final int PAYLOAD_LENGTH = 215;
    private static final byte VERSION = 0x01;
    private static final byte KIND_TRANSFER_WITH_AUTHORIZATION = 0x01;
    /** Longest text a 215-byte payload can produce; anything longer is refused before base45 allocates for it. */
    private static final int MAX_TEXT_LENGTH = PREFIX.length() + (PAYLOAD_LENGTH / 2) * 3 + 2;

    private PaymentQrCodec() {
    }

    public static Optional<TransferAuthorization> decode(String text) {
        if (text == null || text.length() > MAX_TEXT_LENGTH || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return Base45.decode(text.substring(PREFIX.length()))
                .filter(payload -> payload.length == PAYLOAD_LENGTH)
                .filter(payload -> payload[0] == VERSION && payload[1] == KIND_TRANSFER_WITH_AUTHORIZATION)
                .map(PaymentQrCodec::read);
    }

    public static String encode(TransferAuthorization authorization) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_LENGTH);
        payload.put(VERSION).put(KIND_TRANSFER_WITH_AUTHORIZATION);
        payload.putLong(authorization.chainId());
        payload.put(authorization.token().bytes());
        payload.put(authorization.from().bytes());
        payload.put(authorization.to().bytes());
        payload.put(Hex.word(authorization.value()));
        payload.putLong(authorization.validAfter());
        payload.putLong(authorization.validBefore());
        payload.put(authorization.nonce().bytes());
        payload.put(authorization.signature().bytes());
        return PREFIX + Base45.encode(payload.array());
    }

    private static TransferAuthorization read(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload, 2, PAYLOAD_LENGTH - 2);
        long chainId = in.getLong();
        Address token = Address.of(take(in, 20));
        Address from = Address.of(take(in, 20));
        Address to = Address.of(take(in, 20));
        BigInteger value = new BigInteger(1, take(in, 32));
        long validAfter = in.getLong();
        long validBefore = in.getLong();
        var nonce = Nonce.of(take(in, 32));
        var signature = Signature.of(take(in, 65));
        return new TransferAuthorization(chainId, token, from, to, value, validAfter, validBefore, nonce, signature);
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
