// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CardApdusTest {
    private static final byte[] DOMAIN = Eip3009.domainSeparator(Fixtures.HEIT);
    private static final Address CARD = Address.parse("0x1111111111111111111111111111111111111111");

    @Test
    void selectNamesTheHeitjeApplet() {
        assertEquals("0x00a4040008f048454954" + "4a4501", Hex.encode(CardApdus.select()));
    }

    @Test
    void getInfoAsksForAnAnswer() {
        assertEquals("0x8001000000", Hex.encode(CardApdus.getInfo()));
    }

    @Test
    void verifyPinSendsTheDigitsAsAscii() {
        assertEquals("0x002000000431323334", Hex.encode(CardApdus.verifyPin("1234")));
        assertEquals("0x0020000006393837363534", Hex.encode(CardApdus.verifyPin("987654")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123", "1234567", "12a4", "12 34", "١٢٣٤", "+123"})
    void verifyPinRefusesAnythingButFourToSixDigits(String pin) {
        assertFalse(CardApdus.isWellFormedPin(pin));
        assertThrows(IllegalArgumentException.class, () -> CardApdus.verifyPin(pin));
    }

    @Test
    void signCarriesTheFieldsBigEndianInTheirOrder() {
        TransferAuthorization fields = Authorizations.builder(Fixtures.HEIT, Authorizations.key("card"))
                .value(0x0102).validAfter(0x0A0B).validBefore(-1L).nonce(Authorizations.nonce("n")).build();

        byte[] apdu = CardApdus.sign(DOMAIN, fields);

        assertEquals(4 + 1 + 132 + 1, apdu.length);
        assertArrayEquals(new byte[] {(byte) 0x80, 0x02, 0x00, 0x00, (byte) 132}, Arrays.copyOf(apdu, 5));
        byte[] data = Arrays.copyOfRange(apdu, 5, 5 + 132);
        assertArrayEquals(DOMAIN, Arrays.copyOfRange(data, 0, 32));
        assertArrayEquals(fields.to().bytes(), Arrays.copyOfRange(data, 32, 52));
        assertEquals(BigInteger.valueOf(0x0102), new BigInteger(1, Arrays.copyOfRange(data, 52, 84)));
        assertEquals("0x0000000000000a0b", Hex.encode(Arrays.copyOfRange(data, 84, 92)));
        assertEquals("0xffffffffffffffff", Hex.encode(Arrays.copyOfRange(data, 92, 100)));
        assertArrayEquals(fields.nonce().bytes(), Arrays.copyOfRange(data, 100, 132));
        assertEquals(0, apdu[apdu.length - 1], "Le 00: the answer may be up to 256 bytes");
    }

    @Test
    void theCardReadsBackWhatTheTerminalSent() {
        TransferAuthorization fields = Authorizations.builder(Fixtures.HEIT, Authorizations.key("card"))
                .value(123_456).validBefore(Long.MIN_VALUE).build();

        CardApdus.Command command = CardApdus.command(CardApdus.sign(DOMAIN, fields)).orElseThrow();
        CardApdus.SignRequest request = CardApdus.signRequest(command.data()).orElseThrow();

        assertEquals(0x80, command.cla());
        assertEquals(CardApdus.INS_SIGN, command.ins());
        assertArrayEquals(DOMAIN, request.domainSeparator());
        assertEquals(fields.to(), request.to());
        assertEquals(fields.value(), request.value());
        assertEquals(fields.validAfter(), request.validAfter());
        assertEquals(Long.MIN_VALUE, request.validBefore());
        assertEquals(fields.nonce(), request.nonce());
    }

    @Test
    void aDomainSeparatorOfAnotherLengthIsNotSent() {
        TransferAuthorization fields = Authorizations.builder(Fixtures.HEIT, Authorizations.key("card")).build();
        assertThrows(IllegalArgumentException.class, () -> CardApdus.sign(new byte[31], fields));
    }

    @Test
    void infoRoundTrips() {
        CardInfo info = new CardInfo(1, CARD, 2, new BigInteger("ffffffffffffffff", 16));
        byte[] data = CardApdus.infoData(info);

        assertEquals(30, data.length);
        assertEquals(info, CardApdus.parseInfo(data));
    }

    @Test
    void infoOfAnotherLengthIsMalformed() {
        byte[] data = CardApdus.infoData(new CardInfo(1, CARD, 3, BigInteger.TEN));

        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseInfo(Arrays.copyOf(data, 29)));
        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseInfo(Arrays.copyOf(data, 31)));
        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseInfo(new byte[0]));
    }

    @Test
    void infoOfAnotherVersionIsUnsupportedWhateverItsLength() {
        byte[] data = CardApdus.infoData(new CardInfo(1, CARD, 3, BigInteger.TEN));
        data[0] = 2;

        assertThrows(CardApdus.UnsupportedVersionException.class, () -> CardApdus.parseInfo(data));
        assertThrows(CardApdus.UnsupportedVersionException.class,
                () -> CardApdus.parseInfo(Arrays.copyOf(data, 40)));
    }

    @Test
    void aSignatureIsExactlySixtyFiveBytesWithVTwentySevenOrTwentyEight() {
        byte[] data = new byte[65];
        data[31] = 1;
        data[63] = 2;
        data[64] = 28;

        assertEquals(28, CardApdus.parseSignature(data).v());
        assertEquals(BigInteger.ONE, CardApdus.parseSignature(data).r());
        data[64] = 1;
        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseSignature(data));
        data[64] = 27;
        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseSignature(Arrays.copyOf(data, 64)));
        assertThrows(CardApdus.MalformedAnswerException.class, () -> CardApdus.parseSignature(Arrays.copyOf(data, 66)));
    }

    @Test
    void responsesSplitDataFromTheStatusWord() {
        CardApdus.Response response = CardApdus.response(new byte[] {7, 8, (byte) 0x63, (byte) 0xC2}).orElseThrow();

        assertArrayEquals(new byte[] {7, 8}, response.data());
        assertEquals(0x63C2, response.sw());
        assertTrue(CardApdus.isWrongPin(response.sw()));
        assertEquals(2, CardApdus.triesLeft(response.sw()));
        assertFalse(CardApdus.isWrongPin(0x6300));
        assertTrue(CardApdus.response(new byte[] {(byte) 0x90}).isEmpty());
        assertTrue(CardApdus.response(null).isEmpty());
        assertArrayEquals(new byte[] {1, (byte) 0x90, 0}, CardApdus.answer(new byte[] {1}, CardApdus.SW_OK));
    }

    @Test
    void commandsOfEveryShortCaseAreTakenApartAndOthersRefused() {
        assertEquals(0, CardApdus.command(new byte[] {0, 1, 2, 3}).orElseThrow().data().length);
        assertEquals(0, CardApdus.command(new byte[] {0, 1, 2, 3, 0}).orElseThrow().data().length);
        assertArrayEquals(new byte[] {9}, CardApdus.command(new byte[] {0, 1, 2, 3, 1, 9}).orElseThrow().data());
        assertArrayEquals(new byte[] {9}, CardApdus.command(new byte[] {0, 1, 2, 3, 1, 9, 0}).orElseThrow().data());
        assertTrue(CardApdus.command(new byte[] {0, 1, 2}).isEmpty());
        assertTrue(CardApdus.command(new byte[] {0, 1, 2, 3, 2, 9}).isEmpty(), "Lc beyond the data");
        assertTrue(CardApdus.command(new byte[] {0, 1, 2, 3, 1, 9, 0, 0}).isEmpty(), "bytes after Le");
        assertTrue(CardApdus.command(new byte[] {0, 1, 2, 3, 0, 0, 1}).isEmpty(), "extended length");
    }

    @Test
    void randomBytesNeverThrowFromTheCardSideParsers() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            CardApdus.command(bytes).ifPresent(c -> CardApdus.signRequest(c.data()));
            CardApdus.signRequest(bytes);
            CardApdus.response(bytes);
        }
        assertTrue(CardApdus.signRequest(new byte[132]).isPresent());
        assertEquals(Nonce.of(new byte[32]), CardApdus.signRequest(new byte[132]).orElseThrow().nonce());
    }
}
