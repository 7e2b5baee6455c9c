// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import nl.heitje.terminal.codec.CardApdus;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.ECKeyPair;

/**
 * A citizen's signing card as the protocol describes it (docs/card-apdu.md): it holds a secp256k1 key, computes
 * the EIP-712 digest of what it is asked to sign, and guards value with a PIN. The no-PIN allowance and the PIN
 * tries live as long as this object, so a simulator that keeps it keeps the card's memory between taps.
 */
public final class SigningCardApplet implements CardApplet {
    public static final int PIN_TRIES = 3;

    private final ECKeyPair key;
    private final Address address;
    private final byte[] pin;
    private final BigInteger noPinLimit;
    private final List<byte[]> acceptedDomains;

    private int triesLeft = PIN_TRIES;
    private BigInteger signedWithoutPin = BigInteger.ZERO;
    private boolean selected;
    private boolean pinVerified;

    /**
     * @param pin                      4 to 6 digits
     * @param noPinLimit               what it signs without a PIN, per payment and in total between PINs
     * @param acceptedDomainSeparators the EIP-712 domains (tokens) it signs for
     */
    public SigningCardApplet(ECKeyPair key, String pin, BigInteger noPinLimit, List<byte[]> acceptedDomainSeparators) {
        if (!CardApdus.isWellFormedPin(pin)) {
            throw new IllegalArgumentException("a card PIN is 4 to 6 digits");
        }
        if (noPinLimit.signum() < 0 || noPinLimit.bitLength() > 64) {
            throw new IllegalArgumentException("the no-PIN limit is 8 bytes unsigned");
        }
        this.key = Objects.requireNonNull(key, "key");
        this.address = Signatures.addressOf(key);
        this.pin = pin.getBytes(StandardCharsets.US_ASCII);
        this.noPinLimit = noPinLimit;
        this.acceptedDomains = acceptedDomainSeparators.stream().map(byte[]::clone).toList();
    }

    public Address address() {
        return address;
    }

    public synchronized int triesLeft() {
        return triesLeft;
    }

    @Override
    public synchronized byte[] process(byte[] commandApdu) {
        try {
            Optional<CardApdus.Command> parsed = CardApdus.command(commandApdu);
            if (parsed.isEmpty()) {
                return CardApdus.answer(CardApdus.SW_WRONG_LENGTH);
            }
            return dispatch(parsed.get());
        } catch (RuntimeException unforeseen) {
            // A real card answers every command; a fault inside it is a status word, not a dead card.
            return CardApdus.answer(0x6F00);
        }
    }

    private byte[] dispatch(CardApdus.Command command) {
        if (command.cla() == CardApdus.CLA_ISO && command.ins() == CardApdus.INS_SELECT) {
            return select(command);
        }
        if (!selected) {
            return CardApdus.answer(CardApdus.SW_CONDITIONS_NOT_SATISFIED);
        }
        if (command.cla() == CardApdus.CLA_PROPRIETARY && command.ins() == CardApdus.INS_GET_INFO) {
            return CardApdus.answer(CardApdus.infoData(new CardInfo(CardApdus.PROTOCOL_VERSION, address, triesLeft,
                    noPinLimit)), CardApdus.SW_OK);
        }
        if (command.cla() == CardApdus.CLA_ISO && command.ins() == CardApdus.INS_VERIFY_PIN) {
            return verify(command.data());
        }
        if (command.cla() == CardApdus.CLA_PROPRIETARY && command.ins() == CardApdus.INS_SIGN) {
            return sign(command.data());
        }
        if (command.cla() != CardApdus.CLA_ISO && command.cla() != CardApdus.CLA_PROPRIETARY) {
            return CardApdus.answer(CardApdus.SW_CLA_NOT_SUPPORTED);
        }
        return CardApdus.answer(CardApdus.SW_INS_NOT_SUPPORTED);
    }

    /** A SELECT starts a new session: a PIN entered in an earlier one does not carry over. */
    private byte[] select(CardApdus.Command command) {
        pinVerified = false;
        selected = command.p1() == CardApdus.P1_SELECT_BY_NAME && Arrays.equals(command.data(), CardApdus.AID);
        return CardApdus.answer(selected ? CardApdus.SW_OK : CardApdus.SW_APPLET_NOT_FOUND);
    }

    private byte[] verify(byte[] digits) {
        if (triesLeft == 0) {
            return CardApdus.answer(CardApdus.SW_PIN_BLOCKED);
        }
        if (!CardApdus.isWellFormedPin(new String(digits, StandardCharsets.US_ASCII))) {
            return CardApdus.answer(CardApdus.SW_WRONG_LENGTH);
        }
        if (java.security.MessageDigest.isEqual(digits, pin)) {
            triesLeft = PIN_TRIES;
            pinVerified = true;
            signedWithoutPin = BigInteger.ZERO;
            return CardApdus.answer(CardApdus.SW_OK);
        }
        triesLeft--;
        pinVerified = false;
        return CardApdus.answer(CardApdus.SW_WRONG_PIN_BASE | triesLeft);
    }

    private byte[] sign(byte[] data) {
        Optional<CardApdus.SignRequest> parsed = CardApdus.signRequest(data);
        if (parsed.isEmpty()) {
            return CardApdus.answer(CardApdus.SW_WRONG_LENGTH);
        }
        CardApdus.SignRequest request = parsed.get();
        if (acceptedDomains.stream().noneMatch(domain -> Arrays.equals(domain, request.domainSeparator()))) {
            return CardApdus.answer(CardApdus.SW_DOMAIN_NOT_ACCEPTED);
        }
        if (triesLeft == 0) {
            return CardApdus.answer(CardApdus.SW_PIN_BLOCKED);
        }
        boolean withinAllowance = signedWithoutPin.add(request.value()).compareTo(noPinLimit) <= 0;
        if (!pinVerified && !withinAllowance) {
            return CardApdus.answer(CardApdus.SW_PIN_REQUIRED);
        }
        if (pinVerified) {
            pinVerified = false;
        } else {
            signedWithoutPin = signedWithoutPin.add(request.value());
        }
        TransferAuthorization fields = new TransferAuthorization(0, address, address, request.to(), request.value(),
                request.validAfter(), request.validBefore(), request.nonce(), new Signature(BigInteger.ONE,
                BigInteger.ONE, 27));
        Signature signature = Signatures.sign(Eip3009.digest(request.domainSeparator(), fields), key);
        return CardApdus.answer(signature.bytes(), CardApdus.SW_OK);
    }
}
