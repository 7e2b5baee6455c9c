// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;

/**
 * The byte layouts of the citizen signing card protocol (docs/card-apdu.md), version 1, for both ends: the
 * terminal's adapter builds commands and parses answers, the simulator's virtual card does the reverse. Parsing
 * is strict: a length or a version off by one is an error, never a guess.
 */
public final class CardApdus {
    public static final byte[] AID = {(byte) 0xF0, 0x48, 0x45, 0x49, 0x54, 0x4A, 0x45, 0x01};
    public static final int PROTOCOL_VERSION = 1;

    public static final int CLA_ISO = 0x00;
    public static final int CLA_PROPRIETARY = 0x80;
    public static final int INS_SELECT = 0xA4;
    public static final int INS_GET_INFO = 0x01;
    public static final int INS_VERIFY_PIN = 0x20;
    public static final int INS_SIGN = 0x02;
    public static final int P1_SELECT_BY_NAME = 0x04;

    public static final int SW_OK = 0x9000;
    public static final int SW_PIN_REQUIRED = 0x6982;
    public static final int SW_PIN_BLOCKED = 0x6983;
    public static final int SW_DOMAIN_NOT_ACCEPTED = 0x6A80;
    public static final int SW_APPLET_NOT_FOUND = 0x6A82;
    /** 63 Cx: wrong PIN, the low nibble is the tries left. */
    public static final int SW_WRONG_PIN_BASE = 0x63C0;
    /** Answers of the virtual card outside the protocol's table (the terminal reads them all as CARD_ERROR). */
    public static final int SW_WRONG_LENGTH = 0x6700;
    public static final int SW_CONDITIONS_NOT_SATISFIED = 0x6985;
    public static final int SW_INS_NOT_SUPPORTED = 0x6D00;
    public static final int SW_CLA_NOT_SUPPORTED = 0x6E00;

    public static final int INFO_LENGTH = 1 + 20 + 1 + 8;
    public static final int SIGN_DATA_LENGTH = 32 + 20 + 32 + 8 + 8 + 32;
    public static final int SIGNATURE_LENGTH = 65;
    public static final int MIN_PIN_LENGTH = 4;
    public static final int MAX_PIN_LENGTH = 6;

    private CardApdus() {
    }

    // ---- commands (the terminal's side)

    public static byte[] select() {
        return command(CLA_ISO, INS_SELECT, P1_SELECT_BY_NAME, AID, false);
    }

    public static byte[] getInfo() {
        return command(CLA_PROPRIETARY, INS_GET_INFO, 0, new byte[0], true);
    }

    /** VERIFY PIN; refuses (before anything is sent) a PIN that is not 4 to 6 ASCII digits. */
    public static byte[] verifyPin(String pin) {
        if (!isWellFormedPin(pin)) {
            throw new IllegalArgumentException("a PIN is 4 to 6 digits");
        }
        return command(CLA_ISO, INS_VERIFY_PIN, 0, pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII), false);
    }

    public static boolean isWellFormedPin(String pin) {
        if (pin == null || pin.length() < MIN_PIN_LENGTH || pin.length() > MAX_PIN_LENGTH) {
            return false;
        }
        for (int i = 0; i < pin.length(); i++) {
            char c = pin.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** SIGN with its 132 data bytes; the authorization's {@code from} and signature are not sent. */
    public static byte[] sign(byte[] domainSeparator, TransferAuthorization fields) {
        return command(CLA_PROPRIETARY, INS_SIGN, 0, signData(domainSeparator, fields), true);
    }

    public static byte[] signData(byte[] domainSeparator, TransferAuthorization fields) {
        if (domainSeparator == null || domainSeparator.length != 32) {
            throw new IllegalArgumentException("a domain separator has 32 bytes");
        }
        return ByteBuffer.allocate(SIGN_DATA_LENGTH)
                .put(domainSeparator)
                .put(fields.to().bytes())
                .put(Hex.word(fields.value()))
                .putLong(fields.validAfter())
                .putLong(fields.validBefore())
                .put(fields.nonce().bytes())
                .array();
    }

    /** A short APDU: header, then Lc and data when there is data, then Le = 00 (up to 256) when an answer is due. */
    private static byte[] command(int cla, int ins, int p1, byte[] data, boolean expectsData) {
        ByteBuffer out = ByteBuffer.allocate(4 + (data.length > 0 ? 1 + data.length : 0) + (expectsData ? 1 : 0));
        out.put((byte) cla).put((byte) ins).put((byte) p1).put((byte) 0);
        if (data.length > 0) {
            out.put((byte) data.length).put(data);
        }
        if (expectsData) {
            out.put((byte) 0);
        }
        return out.array();
    }

    // ---- answers (the terminal's side)

    /** An answer split into its data and status word; empty when it is shorter than a status word. */
    public static Optional<Response> response(byte[] answer) {
        if (answer == null || answer.length < 2) {
            return Optional.empty();
        }
        int sw = ((answer[answer.length - 2] & 0xFF) << 8) | (answer[answer.length - 1] & 0xFF);
        return Optional.of(new Response(Arrays.copyOf(answer, answer.length - 2), sw));
    }

    public static boolean isWrongPin(int sw) {
        return (sw & 0xFFF0) == SW_WRONG_PIN_BASE;
    }

    public static int triesLeft(int wrongPinSw) {
        return wrongPinSw & 0x0F;
    }

    /**
     * GET INFO's data. A version other than 1 is {@link UnsupportedVersionException} (a later protocol may
     * also change the length, so the version is read first); any other deviation is {@link MalformedAnswerException}.
     */
    public static CardInfo parseInfo(byte[] data) {
        if (data == null || data.length == 0) {
            throw new MalformedAnswerException("GET INFO answered no data");
        }
        int version = data[0] & 0xFF;
        if (version != PROTOCOL_VERSION) {
            throw new UnsupportedVersionException(version);
        }
        if (data.length != INFO_LENGTH) {
            throw new MalformedAnswerException("GET INFO answered " + data.length + " bytes, not " + INFO_LENGTH);
        }
        ByteBuffer in = ByteBuffer.wrap(data, 1, INFO_LENGTH - 1);
        Address address = Address.of(take(in, 20));
        int triesLeft = in.get() & 0xFF;
        BigInteger noPinLimit = new BigInteger(1, take(in, 8));
        return new CardInfo(version, address, triesLeft, noPinLimit);
    }

    /** SIGN's data: exactly r ‖ s ‖ v with v 27 or 28 (low-s and recovery are the caller's checks). */
    public static Signature parseSignature(byte[] data) {
        if (data == null || data.length != SIGNATURE_LENGTH) {
            throw new MalformedAnswerException("SIGN answered " + (data == null ? 0 : data.length)
                    + " bytes, not " + SIGNATURE_LENGTH);
        }
        int v = data[64] & 0xFF;
        if (v != 27 && v != 28) {
            throw new MalformedAnswerException("SIGN answered v = " + v + ", not 27 or 28");
        }
        return Signature.of(data);
    }

    public record Response(byte[] data, int sw) {
        public String swHex() {
            return String.format("%04X", sw);
        }
    }

    /** The card answered out of protocol: wrong length or form. */
    public static class MalformedAnswerException extends RuntimeException {
        public MalformedAnswerException(String message) {
            super(message);
        }
    }

    /** GET INFO named a protocol version this terminal does not speak. */
    public static final class UnsupportedVersionException extends MalformedAnswerException {
        public UnsupportedVersionException(int version) {
            super("the card speaks protocol version " + version + ", not " + PROTOCOL_VERSION);
        }
    }

    // ---- the card's side

    /** A short command APDU taken apart (ISO 7816-4 cases 1 to 4); empty when it is not one. */
    public static Optional<Command> command(byte[] apdu) {
        if (apdu == null || apdu.length < 4) {
            return Optional.empty();
        }
        int cla = apdu[0] & 0xFF;
        int ins = apdu[1] & 0xFF;
        int p1 = apdu[2] & 0xFF;
        int p2 = apdu[3] & 0xFF;
        int body = apdu.length - 4;
        if (body <= 1) {
            return Optional.of(new Command(cla, ins, p1, p2, new byte[0]));
        }
        int lc = apdu[4] & 0xFF;
        if (lc == 0 || (body != 1 + lc && body != 2 + lc)) {
            return Optional.empty();
        }
        return Optional.of(new Command(cla, ins, p1, p2, Arrays.copyOfRange(apdu, 5, 5 + lc)));
    }

    public static byte[] answer(byte[] data, int sw) {
        byte[] out = Arrays.copyOf(data, data.length + 2);
        out[data.length] = (byte) (sw >> 8);
        out[data.length + 1] = (byte) sw;
        return out;
    }

    public static byte[] answer(int sw) {
        return answer(new byte[0], sw);
    }

    public static byte[] infoData(CardInfo info) {
        byte[] limit = Hex.word(info.noPinLimit());
        return ByteBuffer.allocate(INFO_LENGTH)
                .put((byte) info.version())
                .put(info.address().bytes())
                .put((byte) info.pinTriesLeft())
                .put(limit, 24, 8)
                .array();
    }

    /** SIGN's 132 data bytes read back; empty when the length is wrong. */
    public static Optional<SignRequest> signRequest(byte[] data) {
        if (data == null || data.length != SIGN_DATA_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        byte[] domainSeparator = take(in, 32);
        Address to = Address.of(take(in, 20));
        BigInteger value = new BigInteger(1, take(in, 32));
        long validAfter = in.getLong();
        long validBefore = in.getLong();
        Nonce nonce = Nonce.of(take(in, 32));
        return Optional.of(new SignRequest(domainSeparator, to, value, validAfter, validBefore, nonce));
    }

    public record Command(int cla, int ins, int p1, int p2, byte[] data) {
    }

    /** What SIGN carries; the card adds its own address as {@code from}. */
    public record SignRequest(byte[] domainSeparator, Address to, BigInteger value, long validAfter,
                              long validBefore, Nonce nonce) {
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
