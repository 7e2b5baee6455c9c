// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.config.TerminalConfig;
import nl.heitje.simulator.card.CardTaps;
import nl.heitje.simulator.card.SigningCardApplet;
import nl.heitje.simulator.card.VirtualCards;
import nl.heitje.simulator.card.VirtualReader;
import nl.heitje.simulator.card.VirtualReaders;
import nl.heitje.simulator.card.VirtualSmartcardProvider;
import nl.heitje.simulator.devices.SimulatedCamera;
import nl.heitje.simulator.devices.SimulatedHidScanner;
import nl.heitje.simulator.devices.SimulatedPanel;
import nl.heitje.simulator.devices.SimulatedPrinter;
import nl.heitje.simulator.devices.SimulatedSerialScanner;
import nl.heitje.terminal.adapter.evdev.InputEventLayout;
import nl.heitje.terminal.CounterDevices;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.smartcardio.PcscCardReader;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Token;

/**
 * The counter's devices, simulated, each reached by the terminal through the same adapter as the real one: a
 * virtual PC/SC reader through {@code javax.smartcardio}, the lights, buzzer and button on Pi4J's mock platform,
 * and a QR scanner the control API points at codes.
 */
final class SimulatedCounter implements AutoCloseable {
    /** Readers are registered JVM-wide (JCA builds the provider); each simulator gets one of its own. */
    private static final AtomicInteger READERS = new AtomicInteger();
    private static final Duration TAP_DEADLINE = Duration.ofSeconds(120);

    private final SimulatedQrScanner scanner = new SimulatedQrScanner();
    private final SimulatedHidScanner hidScanner = new SimulatedHidScanner(InputEventLayout.ofThisJvm());
    private final SimulatedSerialScanner serialScanner = new SimulatedSerialScanner();
    private final SimulatedCamera camera = new SimulatedCamera(640, 480);
    private final String readerName;
    private final VirtualReader reader;
    private final SimulatedPanel panel;
    private final SimulatedPrinter printer;
    private final TerminalConfig config;
    private final List<byte[]> domains;
    private final VirtualCards cards;
    private final java.util.Map<String, Citizen> citizens = new java.util.concurrent.ConcurrentHashMap<>();
    private CardTaps taps;

    SimulatedCounter(TerminalConfig config, Clock clock) {
        VirtualSmartcardProvider.install();
        this.config = config;
        this.readerName = config.devices().cardReader().flatMap(TerminalConfig.CardReader::readerName)
                .orElseThrow(() -> new IllegalStateException("the simulator's config must name its card reader"));
        this.reader = VirtualReaders.plugIn(readerName);
        TerminalConfig.Gpio gpio = config.devices().gpio()
                .orElseThrow(() -> new IllegalStateException("the simulator's config must enable gpio"));
        this.panel = SimulatedPanel.start(GpioPins.from(gpio), clock);
        this.printer = SimulatedPrinter.start(config.receipts().device().orElseThrow(() -> new IllegalStateException(
                "the simulator's config must name its printer's device")),
                nl.heitje.terminal.domain.Printout.columnsOf(config.receipts().paperWidthMm()), clock);
        this.domains = Terminal.tokensOf(config).stream().map(Eip3009::domainSeparator).toList();
        this.cards = new VirtualCards(new VirtualCards.Profile("1234", BigInteger.valueOf(25_00), domains));
    }

    /** Simulator config: a virtual reader of its own, and the standard panel with a relay. */
    static java.util.Map<String, String> settings() {
        return java.util.Map.of("card.reader", "pcsc", "card.readerName",
                "Heitje Virtual Reader " + READERS.incrementAndGet(), "gpio.enabled", "true", "gpio.relay", "16");
    }

    CounterDevices devices() {
        TerminalConfig.Gpio gpio = config.devices().gpio().orElseThrow();
        Duration apduTimeout = config.devices().cardReader().map(TerminalConfig.CardReader::apduTimeout)
                .orElse(Duration.ofSeconds(3));
        return new CounterDevices(List.of(scanner, hidScanner, serialScanner, camera), List.of(new PcscCardReader(VirtualSmartcardProvider::factory,
                readerName, apduTimeout)), List.of(),
                Optional.of(new CounterDevices.Panel(panel.indicators(), panel.buttons(),
                        new IndicatorPanel.Settings(gpio.outcomeHold(), gpio.relay().map(ignored -> gpio.relayPulse())))),
                List.of()).withPrinter(new nl.heitje.terminal.adapter.file.DeviceFilePrinter(printer.device()));
    }

    /** Called once the terminal runs: card taps follow its payment events. */
    void attach(Terminal terminal) {
        this.taps = new CardTaps(terminal.desk(), terminal.events(), TAP_DEADLINE);
    }

    SimulatedQrScanner scanner() {
        return scanner;
    }

    SimulatedHidScanner hidScanner() {
        return hidScanner;
    }

    SimulatedSerialScanner serialScanner() {
        return serialScanner;
    }

    SimulatedCamera camera() {
        return camera;
    }

    SimulatedPanel panel() {
        return panel;
    }

    SimulatedPrinter printer() {
        return printer;
    }

    /**
     * Puts a card on the reader and waits until the exchange has ended.
     *
     * @param removeAfter the card is taken away after this many commands, when set
     * @param pin         keyed when the card asks; empty: nobody keys it
     */
    Payment tap(SigningCardApplet card, Optional<Integer> removeAfter, Optional<String> pin) {
        return taps.tap(() -> {
            try {
                if (!reader.awaitTapWanted(TAP_DEADLINE)) {
                    throw new IllegalStateException("the card reader did not get ready for a card");
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", interrupted);
            }
            reader.insert(card, removeAfter.orElse(-1));
        }, reader::remove, pin);
    }

    /**
     * A virtual card known by its key: made with this PIN and no-PIN limit the first time the key is seen, then
     * the same card (its tries and PIN-free total carry over) for the simulator's lifetime. It signs for every
     * token this terminal takes.
     */
    SigningCardApplet card(BigInteger privateKey, String pin, BigInteger noPinLimit) {
        return cards.card(privateKey, new VirtualCards.Profile(pin, noPinLimit, domains));
    }

    /** A citizen of the dev chain: a wallet with a card. */
    record Citizen(String name, org.web3j.crypto.ECKeyPair key, Address address) {
    }

    /** Registers a citizen; false when the name is taken. */
    boolean register(Citizen citizen) {
        return citizens.putIfAbsent(citizen.name(), citizen) == null;
    }

    Optional<Citizen> citizen(String name) {
        return Optional.ofNullable(citizens.get(name));
    }

    @Override
    public void close() {
        VirtualReaders.unplug(readerName);
        panel.close();
        printer.close();
    }
}
