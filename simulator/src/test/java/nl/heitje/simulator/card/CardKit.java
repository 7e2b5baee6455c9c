// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import nl.heitje.terminal.adapter.smartcardio.ApduSigningCard;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

/** What the card tests share: a token, keys, authorization fields, and a tap on a virtual reader. */
final class CardKit {
    static final Token HEIT = new Token("HEIT", 31337,
            Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), "Heerlens Heitje", "1", 2);
    static final Token FOREIGN = new Token("OTHER", 31337,
            Address.parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"), "Other Coin", "1", 2);
    static final byte[] DOMAIN = Eip3009.domainSeparator(HEIT);
    static final Address MERCHANT = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    static final String PIN = "2468";
    static final BigInteger NO_PIN_LIMIT = BigInteger.valueOf(500);
    private static final AtomicInteger READERS = new AtomicInteger();
    private static final AtomicInteger NONCES = new AtomicInteger();

    private final List<ApduSigningCard> opened = new ArrayList<>();
    final VirtualReader reader = VirtualReaders.plugIn("Heitje test reader " + READERS.incrementAndGet());

    static ECKeyPair key(String name) {
        return ECKeyPair.create(new BigInteger(1, Hash.sha3(name.getBytes(StandardCharsets.UTF_8))));
    }

    static SigningCardApplet card(String name) {
        return new SigningCardApplet(key(name), PIN, NO_PIN_LIMIT, List.of(DOMAIN));
    }

    /** Fields the terminal would send; {@code from} is the card's address, the signature a placeholder. */
    static TransferAuthorization fields(Address card, long value) {
        byte[] nonce = Hash.sha3(("nonce " + NONCES.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        return new TransferAuthorization(HEIT.chainId(), HEIT.contract(), card, MERCHANT, BigInteger.valueOf(value),
                1_700_000_000L, 1_900_000_000L, Nonce.of(nonce), new Signature(BigInteger.ONE, BigInteger.ONE, 27));
    }

    static Address signer(TransferAuthorization fields, Signature signature) {
        return Signatures.recoverSigner(Eip3009.digest(DOMAIN, fields), signature).orElseThrow();
    }

    /** Presents a card to the reader and connects to it through the JCA factory, as the terminal does. */
    ApduSigningCard tap(CardApplet applet, int removeAfterApdus, Duration apduTimeout) throws CardException {
        reader.insert(applet, removeAfterApdus);
        CardTerminal terminal = VirtualSmartcardProvider.factory().terminals().getTerminal(reader.getName());
        ApduSigningCard card = new ApduSigningCard(terminal.connect("*").getBasicChannel(), terminal, apduTimeout);
        opened.add(card);
        return card;
    }

    ApduSigningCard tap(CardApplet applet) throws CardException {
        return tap(applet, -1, Duration.ofSeconds(3));
    }

    void close() {
        opened.forEach(ApduSigningCard::close);
        VirtualReaders.unplugAll();
    }
}
