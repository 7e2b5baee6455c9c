// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SigningCard;
import org.web3j.crypto.ECKeyPair;

/**
 * A stand-in for the card port in unit tests: signs with a key, wants its PIN above a limit, counts tries, and can
 * be told to be taken away at a given step or to sign with the wrong key. Records the steps it was asked to do.
 */
public final class FakeSigningCard implements SigningCard {
    private final ECKeyPair key;
    private final String pin;
    private final BigInteger noPinLimit;
    private int triesLeft = 3;
    private boolean pinVerified;
    private String removedAt;
    private ECKeyPair signingKey;
    public final List<String> steps = new ArrayList<>();
    /** Hex domain separators the card signs for; null for any. */
    private java.util.Set<String> held;

    public FakeSigningCard(ECKeyPair key, String pin, long noPinLimit) {
        this.key = key;
        this.pin = pin;
        this.noPinLimit = BigInteger.valueOf(noPinLimit);
        this.signingKey = key;
    }

    /** The card is gone when the exchange reaches this step ("select", "sign", "verify"). */
    public FakeSigningCard removedAt(String step) {
        this.removedAt = step;
        return this;
    }

    /** The card holds these purses' domains only, and refuses any other (6A80: TOKEN_NOT_ACCEPTED). */
    public FakeSigningCard holding(Token... purses) {
        this.held = java.util.Arrays.stream(purses).map(p -> java.util.HexFormat.of().formatHex(Eip3009.domainSeparator(p)))
                .collect(java.util.stream.Collectors.toSet());
        return this;
    }

    /** Signs with another key than the one whose address it reports. */
    public FakeSigningCard signingWith(ECKeyPair other) {
        this.signingKey = other;
        return this;
    }

    private void step(String name) {
        steps.add(name);
        if (name.equals(removedAt)) {
            throw new CardRefusedException(DeclineCode.CARD_REMOVED, "taken away at " + name);
        }
    }

    @Override
    public CardInfo select() {
        step("select");
        return new CardInfo(1, Signatures.addressOf(key), triesLeft, noPinLimit);
    }

    @Override
    public SignOutcome sign(byte[] domainSeparator, TransferAuthorization fields) {
        step("sign");
        if (held != null && !held.contains(java.util.HexFormat.of().formatHex(domainSeparator))) {
            throw new CardRefusedException(DeclineCode.TOKEN_NOT_ACCEPTED, "domain not held by this card");
        }
        if (fields.value().compareTo(noPinLimit) > 0 && !pinVerified) {
            return new PinRequired();
        }
        pinVerified = false;
        Signature signature = Signatures.sign(Eip3009.digest(domainSeparator, fields), signingKey);
        return new Signed(signature);
    }

    @Override
    public PinOutcome verifyPin(String entered) {
        step("verify");
        if (triesLeft == 0) {
            throw new CardRefusedException(DeclineCode.CARD_BLOCKED, "PIN blocked");
        }
        if (!pin.equals(entered)) {
            triesLeft--;
            return new WrongPin(triesLeft);
        }
        triesLeft = 3;
        pinVerified = true;
        return new PinAccepted();
    }
}
