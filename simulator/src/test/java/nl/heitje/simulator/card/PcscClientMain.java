// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CardTerminals;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;
import nl.heitje.terminal.adapter.smartcardio.PcscCardReader;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.port.SigningCard;

/**
 * The PC/SC client side of the stack tests, run in a child JVM by {@link PcscClient}: it reaches readers only through
 * {@link TerminalFactory#getDefault()}, the path the terminal takes with a hardware reader. Every finding is one
 * {@code PCSC key=value} line on stdout.
 *
 * <p>Scenarios (first argument): {@code readers}; {@code read-card READER}; {@code read-until-removed READER};
 * {@code transmit-after-removal READER}; {@code bench READER COUNT}; {@code adapter-tap READER DOMAINHEX N};
 * {@code adapter-taps READER DOMAINHEX N} (the same, one card after another: after each tap it prints
 * {@code goneI=true} once pcscd reports the card gone, and each tap line says when the adapter got the card).
 */
public final class PcscClientMain {
    static final String PREFIX = "PCSC ";
    private static final long CARD_DEADLINE_MILLIS = 30_000;
    private static final Address MERCHANT = Address.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static final CommandAPDU GET_INFO = new CommandAPDU(0x80, 0x01, 0x00, 0x00, 256);

    private PcscClientMain() {
    }

    public static void main(String[] args) throws Exception {
        TerminalFactory factory = TerminalFactory.getDefault();
        print("factory", factory.getType());
        String scenario = args[0];
        if (scenario.equals("readers")) {
            listReaders(factory.terminals());
        } else if (scenario.equals("read-card")) {
            readOneCard(awaitCard(factory, args[1]));
        } else if (scenario.equals("read-until-removed")) {
            readUntilRemoved(awaitCard(factory, args[1]));
        } else if (scenario.equals("transmit-after-removal")) {
            transmitAfterRemoval(awaitCard(factory, args[1]));
        } else if (scenario.equals("adapter-tap")) {
            adapterTap(args[1], HexFormat.of().parseHex(args[2]), Integer.parseInt(args[3]), false);
        } else if (scenario.equals("adapter-taps")) {
            adapterTap(args[1], HexFormat.of().parseHex(args[2]), Integer.parseInt(args[3]), true);
        } else if (scenario.equals("adapter-status")) {
            adapterStatus();
        } else if (scenario.equals("bench")) {
            bench(awaitCard(factory, args[1]), Integer.parseInt(args[2]));
        } else {
            throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        print("done", "true");
    }

    /**
     * THE CARD EXCHANGE, the one place to switch to the terminal's adapter once it is merged: SELECT + GET INFO of
     * docs/card-apdu.md through javax.smartcardio, printing what the card said.
     */
    private static void readOneCard(CardTerminal terminal) throws CardException {
        Card card = terminal.connect("*");
        try {
            print("protocol", card.getProtocol());
            CardChannel channel = card.getBasicChannel();
            print("selectSw", sw(channel.transmit(select())));
            ResponseAPDU info = channel.transmit(GET_INFO);
            print("infoSw", sw(info));
            print("info", HexFormat.of().formatHex(info.getData()));
        } finally {
            card.disconnect(false);
        }
    }

    /**
     * The terminal's own card adapter ({@code PcscCardReader} over {@code TerminalFactory.getDefault()}) serving
     * {@code taps} taps: each SELECT + GET INFO, then a SIGN whose signature must recover to the card's address.
     */
    private static void adapterTap(String reader, byte[] domainSeparator, int taps, boolean oneAfterAnother)
            throws InterruptedException, CardException {
        java.util.concurrent.LinkedBlockingQueue<String> outcomes = new java.util.concurrent.LinkedBlockingQueue<>();
        try (PcscCardReader adapter = new PcscCardReader(TerminalFactory::getDefault, reader,
                java.time.Duration.ofSeconds(5))) {
            adapter.start(card -> {
                java.time.Instant handed = java.time.Instant.now();
                long start = System.nanoTime();
                try {
                    CardInfo info = card.select();
                    TransferAuthorization fields = new TransferAuthorization(31337, MERCHANT, info.address(),
                            MERCHANT, java.math.BigInteger.valueOf(450), 0, 4_000_000_000L,
                            Nonce.of(new byte[32]), Signature.UNSIGNED);
                    SigningCard.SignOutcome outcome = card.sign(domainSeparator, fields);
                    if (outcome instanceof SigningCard.Signed signed) {
                        boolean recovers = Signatures.recoverSigner(Eip3009.digest(domainSeparator, fields),
                                signed.signature()).filter(info.address()::equals).isPresent();
                        outcomes.add("signed address=" + info.address().hex() + " recovers=" + recovers
                                + " micros=" + (System.nanoTime() - start) / 1_000
                                + " handedAtMicros=" + epochMicros(handed));
                    } else {
                        outcomes.add("pin-required");
                    }
                } catch (SigningCard.CardRefusedException refused) {
                    outcomes.add("refused " + refused.code());
                }
                return ScanResult.noPaymentWaiting();
            });
            for (int i = 0; i < taps; i++) {
                String outcome = outcomes.poll(CARD_DEADLINE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                print("tap" + i, outcome == null ? "none" : outcome);
                if (oneAfterAnother) {
                    CardTerminal terminal = TerminalFactory.getDefault().terminals().getTerminal(reader);
                    print("gone" + i, Boolean.toString(terminal != null
                            && terminal.waitForCardAbsent(CARD_DEADLINE_MILLIS)));
                }
            }
        }
    }

    private static long epochMicros(java.time.Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    /** What the terminal's card adapter reports once it has looked for a reader. */
    private static void adapterStatus() throws InterruptedException {
        try (PcscCardReader adapter = new PcscCardReader(TerminalFactory::getDefault, "",
                java.time.Duration.ofSeconds(5))) {
            adapter.start(card -> ScanResult.noPaymentWaiting());
            long until = System.currentTimeMillis() + CARD_DEADLINE_MILLIS;
            CardReader.Status status = adapter.status();
            while (status.problem().orElse("").startsWith("looking") && System.currentTimeMillis() < until) {
                Thread.sleep(50);
                status = adapter.status();
            }
            print("present", Boolean.toString(status.present()));
            print("problem", status.problem().orElse(""));
        }
    }

    private static void readUntilRemoved(CardTerminal terminal) throws CardException {
        Card card = terminal.connect("*");
        CardChannel channel = card.getBasicChannel();
        int answered = 0;
        try {
            channel.transmit(select());
            answered++;
            for (int i = 0; i < 100; i++) {
                channel.transmit(GET_INFO);
                answered++;
            }
            print("transmitError", "none");
        } catch (CardException | IllegalArgumentException e) {
            // IllegalArgumentException: the JDK's answer to an empty response, which vpcd gives for a closed link.
            print("transmitError", messages(e));
        }
        print("answered", Integer.toString(answered));
        print("cardAbsent", Boolean.toString(terminal.waitForCardAbsent(CARD_DEADLINE_MILLIS)));
        print("cardPresent", Boolean.toString(terminal.isCardPresent()));
    }

    /** SELECT, then wait until pcscd has seen the card go, then one more command on the stale connection. */
    private static void transmitAfterRemoval(CardTerminal terminal) throws CardException {
        Card card = terminal.connect("*");
        CardChannel channel = card.getBasicChannel();
        print("selectSw", sw(channel.transmit(select())));
        print("cardAbsent", Boolean.toString(terminal.waitForCardAbsent(CARD_DEADLINE_MILLIS)));
        try {
            channel.transmit(GET_INFO);
            print("transmitError", "none");
        } catch (CardException | IllegalArgumentException e) {
            print("transmitError", messages(e));
        }
    }

    private static void bench(CardTerminal terminal, int count) throws CardException {
        Card card = terminal.connect("*");
        CardChannel channel = card.getBasicChannel();
        channel.transmit(select());
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            ResponseAPDU response = channel.transmit(GET_INFO);
            micros[i] = (System.nanoTime() - start) / 1_000;
            if (response.getSW() != 0x9000) {
                throw new CardException("GET INFO answered " + sw(response));
            }
        }
        card.disconnect(false);
        Arrays.sort(micros);
        print("apdus", Integer.toString(count));
        print("medianMicros", Long.toString(micros[count / 2]));
        print("p90Micros", Long.toString(micros[count * 9 / 10]));
        print("maxMicros", Long.toString(micros[count - 1]));
    }

    private static void listReaders(CardTerminals terminals) {
        try {
            print("readers", names(terminals.list()));
            print("readersWithCard", names(terminals.list(CardTerminals.State.CARD_PRESENT)));
        } catch (CardException e) {
            print("listError", messages(e));
        }
    }

    private static CardTerminal awaitCard(TerminalFactory factory, String reader) throws CardException {
        CardTerminal terminal = factory.terminals().getTerminal(reader);
        if (terminal == null) {
            throw new CardException("no reader named " + reader);
        }
        if (!terminal.waitForCardPresent(CARD_DEADLINE_MILLIS)) {
            throw new CardException("no card on " + reader + " within " + CARD_DEADLINE_MILLIS + " ms");
        }
        print("reader", terminal.getName());
        return terminal;
    }

    private static CommandAPDU select() {
        return new CommandAPDU(0x00, 0xA4, 0x04, 0x00, InfoCardApplet.AID);
    }

    private static String sw(ResponseAPDU response) {
        return String.format("%04X", response.getSW());
    }

    private static String names(List<CardTerminal> terminals) {
        return terminals.stream().map(CardTerminal::getName).collect(Collectors.joining(","));
    }

    /** The exception and its causes: the PC/SC code (e.g. SCARD_E_NO_READERS_AVAILABLE) is in the cause. */
    private static String messages(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            parts.add(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return String.join(" <- ", parts);
    }

    private static void print(String key, String value) {
        System.out.println(PREFIX + key + "=" + value);
        System.out.flush();
    }
}
