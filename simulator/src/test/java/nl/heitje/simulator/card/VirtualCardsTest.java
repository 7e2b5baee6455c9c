// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigInteger;
import java.util.List;
import javax.smartcardio.TerminalFactory;
import nl.heitje.terminal.codec.CardApdus;
import org.junit.jupiter.api.Test;

class VirtualCardsTest {

    @Test
    void aCardIsKnownByItsKeyWithTheTriesItHasLeft() {
        VirtualCards cards = new VirtualCards(new VirtualCards.Profile("1234", BigInteger.TEN, List.of(CardKit.DOMAIN)));
        BigInteger key = CardKit.key("keeper").getPrivateKey();
        SigningCardApplet card = cards.card(key);
        card.process(CardApdus.select());
        card.process(CardApdus.verifyPin("9999"));

        SigningCardApplet again = cards.card(key, new VirtualCards.Profile("5555", BigInteger.ONE, List.of()));

        assertSame(card, again);
        assertEquals(2, again.triesLeft());
        assertNotSame(card, cards.card(CardKit.key("another").getPrivateKey()));
    }

    @Test
    void installedTheProviderIsTheDefaultFactory() {
        VirtualSmartcardProvider.install();

        assertEquals(VirtualSmartcardProvider.TYPE, TerminalFactory.getDefault().getType());
    }
}
