// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SigningCard;

/**
 * The conversation with a citizen's signing card that turns a waiting payment into a signed authorization
 * (docs/card-apdu.md): the terminal picks the fields, the card signs them, asking for its PIN when the amount or
 * its PIN-free total calls for one. What comes out goes through the same checks as a QR code.
 */
final class CardExchange {
    private static final Logger LOG = Logger.getLogger(CardExchange.class.getName());
    /** Past the offline settlement window, so a card's authorization passes the validity check either way. */
    private static final Duration VALIDITY_MARGIN = Duration.ofHours(1);

    /** How the exchange ended. */
    sealed interface Result permits Signed, Refused, Abandoned {
    }

    /** The card signed; the authorization recovers to the card's own address. */
    record Signed(TransferAuthorization authorization) implements Result {
    }

    /**
     * The card's side ended it.
     *
     * @param cardholder   the card's address, when it got as far as telling it
     * @param pinTriesLeft for WRONG_PIN
     */
    record Refused(DeclineCode code, Address cardholder, Integer pinTriesLeft, String detail) implements Result {
    }

    /** The PIN never came (the payment was cancelled, or nobody keyed it in time). Nothing was signed. */
    record Abandoned() implements Result {
    }

    /** Where the exchange waits for the citizen's PIN; empty when it will not come. */
    @FunctionalInterface
    interface PinPad {
        Optional<String> awaitPin(Address cardholder, int triesLeft);
    }

    private final Address merchant;
    private final Duration validity;
    private final PaymentAuthorizer authorizer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** @param offlineSettlementWindow the longest a redemption may wait for settlement; the card signs for longer */
    CardExchange(Address merchant, Duration offlineSettlementWindow, PaymentAuthorizer authorizer, Clock clock) {
        this.merchant = merchant;
        this.validity = offlineSettlementWindow.plus(VALIDITY_MARGIN);
        this.authorizer = authorizer;
        this.clock = clock;
    }

    Result run(SigningCard card, Payment payment, PinPad pinPad) {
        Address cardholder = null;
        try {
            CardInfo info = card.select();
            cardholder = info.address();
            List<Token> refusedByCard = new ArrayList<>();
            for (Token purse : payment.sale().payingPurses()) {
                try {
                    return signIn(card, info, payment, purse, pinPad);
                } catch (SigningCard.CardRefusedException refused) {
                    // A card holds the domains of its own purses only: the next purse in preference may be one.
                    if (refused.code() != DeclineCode.TOKEN_NOT_ACCEPTED) {
                        throw refused;
                    }
                    refusedByCard.add(purse);
                }
            }
            return new Refused(DeclineCode.TOKEN_NOT_ACCEPTED, cardholder, null, refusedByCard.isEmpty()
                    ? "no purse may pay anything of this sale"
                    : "the card holds none of the purses offered: " + refusedByCard.stream().map(Token::symbol)
                            .collect(Collectors.joining(", ")));
        } catch (SigningCard.CardRefusedException refused) {
            return new Refused(refused.code(), cardholder, null, refused.getMessage());
        } catch (RuntimeException fault) {
            // A reader adapter must turn every fault into a refusal; one that did not still ends as a card error.
            LOG.warning("card exchange failed: " + fault);
            return new Refused(DeclineCode.CARD_ERROR, cardholder, null, fault.toString());
        }
    }

    /** One purse's attempt: SIGN with its domain, with the PIN first when the card wants it. */
    private Result signIn(SigningCard card, CardInfo info, Payment payment, Token purse, PinPad pinPad) {
        Address cardholder = info.address();
        TransferAuthorization fields = fieldsFor(payment, purse, cardholder);
        byte[] domainSeparator = authorizer.domainSeparator(purse);
        SigningCard.SignOutcome outcome = card.sign(domainSeparator, fields);
        if (outcome instanceof SigningCard.PinRequired) {
            if (info.pinTriesLeft() <= 0) {
                return new Refused(DeclineCode.CARD_BLOCKED, cardholder, null, "no PIN tries left");
            }
            Optional<String> pin = pinPad.awaitPin(cardholder, info.pinTriesLeft());
            if (pin.isEmpty()) {
                return new Abandoned();
            }
            SigningCard.PinOutcome verified = card.verifyPin(pin.get());
            if (verified instanceof SigningCard.WrongPin wrong) {
                return new Refused(DeclineCode.WRONG_PIN, cardholder, wrong.triesLeft(), "wrong PIN");
            }
            outcome = card.sign(domainSeparator, fields);
        }
        if (!(outcome instanceof SigningCard.Signed signed)) {
            return new Refused(DeclineCode.CARD_ERROR, cardholder, null, "the card asked for its PIN again");
        }
        TransferAuthorization authorization = fields.withSignature(signed.signature());
        if (!authorizer.isSignedBy(purse, authorization, cardholder)) {
            return new Refused(DeclineCode.CARD_ERROR, cardholder, null,
                    "the card's signature does not recover to its own address");
        }
        return new Signed(authorization);
    }

    /** The terminal's choice of fields: this merchant, what this purse may pay, a fresh random nonce, valid now. */
    private TransferAuthorization fieldsFor(Payment payment, Token purse, Address cardholder) {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        long validBefore = clock.instant().plus(validity).getEpochSecond();
        return new TransferAuthorization(purse.chainId(), purse.contract(), cardholder, merchant,
                BigInteger.valueOf(payment.due(purse).orElseThrow().units()), 0, validBefore, Nonce.of(nonce),
                Signature.UNSIGNED);
    }
}
