// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;

class PaymentQrCodecTest {
    private final TransferAuthorization signed = Authorizations.signed(Fixtures.HEIT, Authorizations.key("citizen"),
            Fixtures.MERCHANT, 450, Fixtures.NOW.getEpochSecond() - 60, Fixtures.NOW.getEpochSecond() + 3_600,
            Authorizations.nonce("codec"));

    @Test
    void roundTripsASignedAuthorization() {
        String text = PaymentQrCodec.encode(signed);

        assertTrue(text.startsWith("HTJ1:"));
        assertEquals(signed, PaymentQrCodec.decode(text).orElseThrow());
    }

    @Test
    void keepsTheSignatureRecoverableAfterTheRoundTrip() {
        TransferAuthorization decoded = PaymentQrCodec.decode(PaymentQrCodec.encode(signed)).orElseThrow();

        assertEquals(signed.from(), Signatures.recoverSigner(
                Authorizations.digest(Fixtures.HEIT, decoded), decoded.signature()).orElseThrow());
    }

    @Test
    void writesTheDocumentedLayout() {
        byte[] payload = payload(signed);

        assertEquals(215, payload.length);
        assertEquals(0x01, payload[0]);
        assertEquals(0x01, payload[1]);
        assertArrayEquals(signed.from().bytes(), Arrays.copyOfRange(payload, 30, 50));
        assertArrayEquals(signed.to().bytes(), Arrays.copyOfRange(payload, 50, 70));
        assertArrayEquals(signed.nonce().bytes(), Arrays.copyOfRange(payload, 118, 150));
        assertEquals(signed.signature().v(), payload[214] & 0xFF);
    }

    @Test
    void rejectsALowerCasePrefix() {
        String text = PaymentQrCodec.encode(signed);
        assertTrue(PaymentQrCodec.decode("htj1:" + text.substring(5)).isEmpty());
    }

    @Test
    void rejectsAnotherVersionInThePrefix() {
        String text = PaymentQrCodec.encode(signed);
        assertTrue(PaymentQrCodec.decode("HTJ2:" + text.substring(5)).isEmpty());
    }

    @Test
    void rejectsAPayloadWithoutPrefix() {
        assertTrue(PaymentQrCodec.decode(PaymentQrCodec.encode(signed).substring(5)).isEmpty());
    }

    @Test
    void rejectsAPayloadOneByteShort() {
        assertTrue(PaymentQrCodec.decode(text(Arrays.copyOf(payload(signed), 214))).isEmpty());
    }

    @Test
    void rejectsAPayloadOneByteLong() {
        assertTrue(PaymentQrCodec.decode(text(Arrays.copyOf(payload(signed), 216))).isEmpty());
    }

    @Test
    void rejectsVersionTwo() {
        byte[] payload = payload(signed);
        payload[0] = 0x02;
        assertTrue(PaymentQrCodec.decode(text(payload)).isEmpty());
    }

    @Test
    void rejectsKindTwo() {
        byte[] payload = payload(signed);
        payload[1] = 0x02;
        assertTrue(PaymentQrCodec.decode(text(payload)).isEmpty());
    }

    @Test
    void rejectsNull() {
        assertTrue(PaymentQrCodec.decode(null).isEmpty());
    }

    @Test
    void rejectsAnEmptyText() {
        assertTrue(PaymentQrCodec.decode("").isEmpty());
        assertTrue(PaymentQrCodec.decode("HTJ1:").isEmpty());
    }

    @Test
    void rejectsAHugeTextWithoutDecodingIt() {
        // Valid base45 all the way, so only the length rule can refuse it.
        String huge = "HTJ1:" + "000".repeat(3_000_000);
        assertTrue(PaymentQrCodec.decode(huge).isEmpty());
    }

    @Test
    void rejectsTrailingWhitespace() {
        // Space is in the base45 alphabet, so this must be caught as a wrong length, not by luck.
        assertTrue(PaymentQrCodec.decode(PaymentQrCodec.encode(signed) + " ").isEmpty());
        assertTrue(PaymentQrCodec.decode(PaymentQrCodec.encode(signed) + "\n").isEmpty());
    }

    private static byte[] payload(TransferAuthorization authorization) {
        return Base45.decode(PaymentQrCodec.encode(authorization).substring(5)).orElseThrow();
    }

    private static String text(byte[] payload) {
        return "HTJ1:" + Base45.encode(payload);
    }
}
