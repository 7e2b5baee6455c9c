// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.web3j.crypto.ECKeyPair;

/**
 * The citizens' cards the simulator has issued, each known by its private key for the simulator's lifetime: a
 * card tapped again is the same card, with the PIN tries and the PIN-free total it had.
 */
public final class VirtualCards {
    private final Profile newCards;
    private final Map<BigInteger, SigningCardApplet> issued = new HashMap<>();

    /** @param newCards what a card gets when it is first seen */
    public VirtualCards(Profile newCards) {
        this.newCards = Objects.requireNonNull(newCards, "newCards");
    }

    /** The card with this key, issued with the default profile when it is new. */
    public SigningCardApplet card(BigInteger privateKey) {
        return card(privateKey, newCards);
    }

    /** The card with this key; the profile applies only when the card is new (a card keeps what it was given). */
    public synchronized SigningCardApplet card(BigInteger privateKey, Profile profile) {
        return issued.computeIfAbsent(privateKey, key -> new SigningCardApplet(ECKeyPair.create(key), profile.pin(),
                profile.noPinLimit(), profile.acceptedDomainSeparators()));
    }

    /**
     * @param pin                      4 to 6 digits
     * @param noPinLimit               token base units signed without a PIN
     * @param acceptedDomainSeparators the EIP-712 domains (tokens) the card signs for
     */
    public record Profile(String pin, BigInteger noPinLimit, List<byte[]> acceptedDomainSeparators) {
        public Profile {
            Objects.requireNonNull(pin, "pin");
            Objects.requireNonNull(noPinLimit, "noPinLimit");
            acceptedDomainSeparators = List.copyOf(acceptedDomainSeparators);
        }
    }
}
