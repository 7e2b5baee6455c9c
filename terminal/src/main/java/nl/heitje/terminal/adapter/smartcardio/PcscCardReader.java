// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.smartcardio;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.smartcardio.Card;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import nl.heitje.terminal.port.CardReader;

/**
 * The card reader over PC/SC ({@code javax.smartcardio}). One daemon thread polls in short waits: it looks for a
 * reader, waits for a card, hands the card to the handler for the whole exchange, then waits for it to leave.
 * No PC/SC service and no reader are states it reports and keeps polling through, so a reader plugged in later
 * is used and one pulled out is reported gone.
 *
 * <p>The JDK's provider connects to pcscd once per JVM: {@link TerminalFactory#getDefault()} stays type "None"
 * for good when pcscd was not running at its first use. While the factory in hand is "None" (or could not be
 * made) the reader asks its factory supplier for a fresh one on each poll; {@link #systemFactory()} then tries
 * "PC/SC" anew, which works once pcscd is up. Readers hot-plugged while pcscd runs appear in {@code list()}
 * without any of this. A pcscd that restarts after the JVM connected cannot be reconnected from Java (the
 * provider's context is static): the reader reports the error and the terminal service must be restarted.
 */
public final class PcscCardReader implements CardReader {
    /** A little over pcscd's presence poll: long enough to tell a pulled card from a faulty one. */
    private static final Duration REMOVAL_GRACE = Duration.ofMillis(600);
    private static final Logger LOG = Logger.getLogger(PcscCardReader.class.getName());
    private static final Duration POLL = Duration.ofMillis(250);
    private static final String NO_FACTORY = "None";

    private final Supplier<TerminalFactory> factories;
    private final Optional<String> readerNameFilter;
    private final Duration apduTimeout;
    private volatile Status status = Status.noReader("not started");
    private volatile boolean closed;
    private TerminalFactory factory;
    private Thread loop;

    /**
     * @param factories        makes the PC/SC factory; asked again while it has none that works
     * @param readerNameFilter use only a reader whose name contains this (any case); blank: the first reader
     * @param apduTimeout      how long one command may take before the exchange ends {@code CARD_ERROR}
     */
    public PcscCardReader(Supplier<TerminalFactory> factories, String readerNameFilter, Duration apduTimeout) {
        this.factories = Objects.requireNonNull(factories, "factories");
        this.readerNameFilter = Optional.ofNullable(readerNameFilter).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT));
        if (apduTimeout.isNegative() || apduTimeout.isZero()) {
            throw new IllegalArgumentException("the APDU timeout must be positive");
        }
        this.apduTimeout = apduTimeout;
    }

    /** The production reader: the system's PC/SC service (see the class notes on when it is looked for). */
    public static PcscCardReader system(String readerNameFilter, Duration apduTimeout) {
        return new PcscCardReader(PcscCardReader::systemFactory, readerNameFilter, apduTimeout);
    }

    /** The default factory, or a fresh "PC/SC" one when the default was fixed at "None" before pcscd ran. */
    public static TerminalFactory systemFactory() {
        TerminalFactory byDefault = TerminalFactory.getDefault();
        if (!NO_FACTORY.equals(byDefault.getType())) {
            return byDefault;
        }
        try {
            return TerminalFactory.getInstance("PC/SC", null);
        } catch (Exception noService) {
            return byDefault;
        }
    }

    @Override
    public synchronized void start(CardHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (loop != null) {
            throw new IllegalStateException("the card reader is already started");
        }
        status = Status.noReader("looking for a card reader");
        loop = new Thread(() -> run(handler), "card-reader");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = loop;
        }
        if (running != null && running != Thread.currentThread()) {
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(CardHandler handler) {
        while (!closed) {
            try {
                Optional<CardTerminal> reader = findReader();
                if (reader.isEmpty()) {
                    pause();
                } else if (reader.get().waitForCardPresent(POLL.toMillis())) {
                    serve(reader.get(), handler);
                    awaitCardGone(reader.get());
                }
            } catch (Throwable fault) {
                if (closed) {
                    break;
                }
                // A reader unplugged mid-wait lands here too; the next round finds out what is left.
                LOG.log(Level.FINE, "card reader loop: " + fault, fault);
                pause();
            }
        }
        status = Status.noReader("the card reader is closed");
    }

    private Optional<CardTerminal> findReader() {
        TerminalFactory current = currentFactory();
        if (current == null) {
            return noReader("no PC/SC service (is pcscd running?)");
        }
        List<CardTerminal> readers;
        try {
            readers = current.terminals().list();
        } catch (CardException noReaders) {
            // pcscd with no reader attached answers SCARD_E_NO_READERS_AVAILABLE.
            return noReader("no card reader attached (" + describe(noReaders) + ")");
        }
        List<CardTerminal> usable = readers.stream().filter(this::wanted).collect(Collectors.toList());
        if (usable.isEmpty()) {
            if (readers.isEmpty() || readerNameFilter.isEmpty()) {
                return noReader("no card reader attached");
            }
            return noReader("no card reader named like '" + readerNameFilter.get() + "' (attached: "
                    + readers.stream().map(CardTerminal::getName).collect(Collectors.joining(", ")) + ")");
        }
        CardTerminal chosen = usable.get(0);
        if (!status.reader().equals(Optional.of(chosen.getName()))) {
            LOG.info("card reader in use: " + chosen.getName());
        }
        status = Status.ready(chosen.getName());
        return Optional.of(chosen);
    }

    private TerminalFactory currentFactory() {
        if (factory == null || NO_FACTORY.equals(factory.getType())) {
            try {
                factory = factories.get();
            } catch (RuntimeException unavailable) {
                LOG.log(Level.FINE, "no PC/SC factory: " + unavailable, unavailable);
                factory = null;
            }
        }
        return factory == null || NO_FACTORY.equals(factory.getType()) ? null : factory;
    }

    private boolean wanted(CardTerminal reader) {
        return readerNameFilter.map(part -> reader.getName().toLowerCase(Locale.ROOT).contains(part)).orElse(true);
    }

    private Optional<CardTerminal> noReader(String problem) {
        if (!status.problem().equals(Optional.of(problem))) {
            LOG.info("card reader: " + problem);
        }
        status = Status.noReader(problem);
        return Optional.empty();
    }

    private void serve(CardTerminal reader, CardHandler handler) {
        Card card;
        try {
            card = reader.connect("*");
        } catch (CardException | RuntimeException tooQuick) {
            LOG.info("a card was presented but could not be reached: " + describe(tooQuick));
            return;
        }
        try (ApduSigningCard signingCard = new ApduSigningCard(card.getBasicChannel(), reader, apduTimeout,
                REMOVAL_GRACE)) {
            handler.onCard(signingCard);
        } catch (RuntimeException handlerFault) {
            LOG.log(Level.WARNING, "the card exchange failed", handlerFault);
        } finally {
            try {
                // Reset, so a PIN verified in this exchange is not left open for the next one.
                card.disconnect(true);
            } catch (CardException | RuntimeException alreadyGone) {
                LOG.log(Level.FINE, "disconnect: " + describe(alreadyGone));
            }
        }
    }

    private void awaitCardGone(CardTerminal reader) throws CardException {
        while (!closed && reader.isCardPresent()) {
            reader.waitForCardAbsent(POLL.toMillis());
        }
    }

    private void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException closing) {
            // Only close() interrupts this thread; the loop sees the flag it set.
        }
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
