// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.smartcardio.TerminalFactory;
import nl.heitje.terminal.adapter.smartcardio.PcscCardReader;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.port.SigningCard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reader loop over the virtual provider: no reader, a reader plugged in, taps, a reader pulled out. */
class PcscCardReaderTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String READER = "Heitje Loop Reader";

    private final BlockingQueue<Address> served = new LinkedBlockingQueue<>();
    private PcscCardReader cardReader;

    @AfterEach
    void tearDown() {
        if (cardReader != null) {
            cardReader.close();
        }
        VirtualReaders.unplugAll();
    }

    @Test
    void noReaderIsAStateThenAPluggedInReaderServesTapsUntilItIsPulledOut() throws Exception {
        VirtualReaders.unplugAll();
        cardReader = new PcscCardReader(VirtualSmartcardProvider::factory, "loop", Duration.ofSeconds(3));
        cardReader.start(this::selectOnly);

        awaitStatus(status -> !status.present() && status.problem().orElse("").contains("no card reader"));

        VirtualReader reader = VirtualReaders.plugIn(READER);
        awaitStatus(status -> status.reader().equals(Optional.of(READER)));

        SigningCardApplet alice = CardKit.card("alice at the loop");
        tapWhenWanted(reader, alice);
        assertEquals(alice.address(), served.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        reader.remove();
        SigningCardApplet bob = CardKit.card("bob at the loop");
        tapWhenWanted(reader, bob);
        assertEquals(bob.address(), served.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(served.isEmpty(), "a card left on the reader is served once: " + served);

        VirtualReaders.unplug(READER);
        awaitStatus(status -> !status.present() && status.problem().isPresent());
    }

    @Test
    void onlyAReaderMatchingTheNameFilterIsUsed() {
        VirtualReaders.plugIn("Some Other Reader");
        cardReader = new PcscCardReader(VirtualSmartcardProvider::factory, "LOOP", Duration.ofSeconds(3));
        cardReader.start(this::selectOnly);

        awaitStatus(status -> status.problem().orElse("").contains("Some Other Reader"));
        VirtualReaders.plugIn(READER);
        awaitStatus(status -> status.reader().equals(Optional.of(READER)));
    }

    @Test
    void noPcscServiceIsAStateAndTheFactoryIsAskedAgain() {
        AtomicBoolean serviceUp = new AtomicBoolean();
        Supplier<TerminalFactory> factories = () -> {
            if (!serviceUp.get()) {
                throw new IllegalStateException("SCARD_E_NO_SERVICE");
            }
            return VirtualSmartcardProvider.factory();
        };
        VirtualReaders.plugIn(READER);
        cardReader = new PcscCardReader(factories, "", Duration.ofSeconds(3));
        cardReader.start(this::selectOnly);

        awaitStatus(status -> status.problem().orElse("").contains("no PC/SC service"));
        serviceUp.set(true);
        awaitStatus(status -> status.reader().equals(Optional.of(READER)));
    }

    @Test
    void exchangesThatFailDoNotStopTheReader() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        VirtualReader reader = VirtualReaders.plugIn(READER);
        cardReader = new PcscCardReader(VirtualSmartcardProvider::factory, READER, Duration.ofSeconds(3));
        cardReader.start(card -> {
            String address;
            try {
                address = card.select().address().hex();
            } catch (SigningCard.CardRefusedException refused) {
                events.add(refused.code().name());
                throw refused;
            }
            events.add(address);
            throw new IllegalStateException("a bug in the handler");
        });

        assertTrue(reader.awaitTapWanted(PATIENCE));
        reader.insert(CardKit.card("first"), 1);
        assertEquals("CARD_REMOVED", events.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        tapWhenWanted(reader, CardKit.card("second"));
        assertEquals(CardKit.card("second").address().hex(), events.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        reader.remove();
        tapWhenWanted(reader, CardKit.card("third"));
        assertEquals(CardKit.card("third").address().hex(), events.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closeEndsTheLoop() {
        VirtualReaders.plugIn(READER);
        cardReader = new PcscCardReader(VirtualSmartcardProvider::factory, READER, Duration.ofSeconds(3));
        cardReader.start(this::selectOnly);
        awaitStatus(CardReader.Status::present);

        cardReader.close();

        assertEquals(Optional.of("the card reader is closed"), cardReader.status().problem());
    }

    private static void tapWhenWanted(VirtualReader reader, CardApplet card) throws InterruptedException {
        assertTrue(reader.awaitTapWanted(PATIENCE), "the reader loop never waited for a card");
        reader.insert(card);
    }

    private ScanResult selectOnly(SigningCard card) {
        served.add(card.select().address());
        return ScanResult.noPaymentWaiting();
    }

    private void awaitStatus(java.util.function.Predicate<CardReader.Status> wanted) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        BooleanSupplier met = () -> wanted.test(cardReader.status());
        while (!met.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reader never reached the wanted status; it is " + cardReader.status());
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError(interrupted);
            }
        }
    }

}
