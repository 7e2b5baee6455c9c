// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;

/**
 * One citizen's signing card, present on a reader, spoken to in the card protocol (docs/card-apdu.md). Each call
 * is one step of the exchange and may block on the card; a card that is taken away, answers out of protocol or
 * refuses ends the exchange with a {@link CardRefusedException} carrying the decline code the protocol names.
 */
public interface SigningCard {

    /** SELECT the applet, then GET INFO. */
    CardInfo select();

    /**
     * SIGN the authorization's fields (its {@code from} must be the card's own address; its signature is ignored).
     *
     * @param domainSeparator the EIP-712 domain separator of the authorization's token
     */
    SignOutcome sign(byte[] domainSeparator, TransferAuthorization fields);

    /** VERIFY PIN. */
    PinOutcome verifyPin(String pin);

    /** What SIGN answered: a signature, or that the card wants its PIN first. */
    sealed interface SignOutcome permits Signed, PinRequired {
    }

    record Signed(Signature signature) implements SignOutcome {
    }

    record PinRequired() implements SignOutcome {
    }

    /** What VERIFY PIN answered. A blocked PIN is a {@link CardRefusedException} with {@code CARD_BLOCKED}. */
    sealed interface PinOutcome permits PinAccepted, WrongPin {
    }

    record PinAccepted() implements PinOutcome {
    }

    record WrongPin(int triesLeft) implements PinOutcome {
    }

    /** The exchange ended on the card's side: taken away, blocked, unsupported, a foreign domain, or a fault. */
    final class CardRefusedException extends RuntimeException {
        private final DeclineCode code;

        public CardRefusedException(DeclineCode code, String detail) {
            super(code + ": " + detail);
            this.code = code;
        }

        public CardRefusedException(DeclineCode code, String detail, Throwable cause) {
            super(code + ": " + detail, cause);
            this.code = code;
        }

        public DeclineCode code() {
            return code;
        }
    }
}
