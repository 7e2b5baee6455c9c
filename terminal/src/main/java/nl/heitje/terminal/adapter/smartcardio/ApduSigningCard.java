// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.smartcardio;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import nl.heitje.terminal.codec.CardApdus;
import nl.heitje.terminal.codec.CardApdus.Response;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SigningCard;

/**
 * A signing card on a PC/SC channel. Each command runs on this card's own thread with a deadline, because
 * {@code javax.smartcardio} has no timeout of its own and a card that never answers must not hold the payment.
 * Every failure, whatever its kind, leaves as a {@link SigningCard.CardRefusedException}.
 */
public final class ApduSigningCard implements SigningCard, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApduSigningCard.class.getName());
    /** How PC/SC (and the JDK's provider) words a card that left the field or a reader that left the bus. */
    private static final String[] GONE_MARKERS = {"REMOVED_CARD", "NO_SMARTCARD", "READER_UNAVAILABLE",
        "UNKNOWN_READER", "CARD HAS BEEN REMOVED"};

    private final CardChannel channel;
    private final CardTerminal terminal;
    private final Duration apduTimeout;
    private final ExecutorService transmitter;
    private final Duration removalGrace;
    private volatile String deadFor;

    public ApduSigningCard(CardChannel channel, CardTerminal terminal, Duration apduTimeout) {
        this(channel, terminal, apduTimeout, Duration.ZERO);
    }

    /**
     * @param removalGrace how long a failed command waits for the reader to report the card gone before calling
     *                     the failure a card error: pcscd sees a card leave only at its next presence poll (some
     *                     400 ms), and a card pulled during a command can come back as an empty answer, not an error
     */
    public ApduSigningCard(CardChannel channel, CardTerminal terminal, Duration apduTimeout, Duration removalGrace) {
        this.removalGrace = removalGrace;
        this.channel = channel;
        this.terminal = terminal;
        this.apduTimeout = apduTimeout;
        this.transmitter = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "card-apdu " + terminal.getName());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CardInfo select() {
        Response selected = exchange("SELECT", CardApdus.select());
        if (selected.sw() != CardApdus.SW_OK) {
            throw refusal("SELECT", selected);
        }
        Response info = exchange("GET INFO", CardApdus.getInfo());
        if (info.sw() != CardApdus.SW_OK) {
            throw refusal("GET INFO", info);
        }
        try {
            return CardApdus.parseInfo(info.data());
        } catch (CardApdus.UnsupportedVersionException unsupported) {
            throw new CardRefusedException(DeclineCode.CARD_UNSUPPORTED, unsupported.getMessage());
        } catch (RuntimeException malformed) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, malformed.getMessage());
        }
    }

    @Override
    public SignOutcome sign(byte[] domainSeparator, TransferAuthorization fields) {
        byte[] command;
        try {
            command = CardApdus.sign(domainSeparator, fields);
        } catch (RuntimeException unusable) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, "SIGN not sent: " + unusable.getMessage());
        }
        Response answer = exchange("SIGN", command);
        if (answer.sw() == CardApdus.SW_PIN_REQUIRED && answer.data().length == 0) {
            return new PinRequired();
        }
        if (answer.sw() != CardApdus.SW_OK) {
            throw refusal("SIGN", answer);
        }
        try {
            return new Signed(CardApdus.parseSignature(answer.data()));
        } catch (RuntimeException malformed) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, malformed.getMessage());
        }
    }

    @Override
    public PinOutcome verifyPin(String pin) {
        if (!CardApdus.isWellFormedPin(pin)) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, "a PIN is 4 to 6 digits; nothing was sent");
        }
        Response answer = exchange("VERIFY PIN", CardApdus.verifyPin(pin));
        if (answer.data().length == 0 && answer.sw() == CardApdus.SW_OK) {
            return new PinAccepted();
        }
        if (answer.data().length == 0 && CardApdus.isWrongPin(answer.sw())) {
            return new WrongPin(CardApdus.triesLeft(answer.sw()));
        }
        throw refusal("VERIFY PIN", answer);
    }

    /** Stops this card's thread; a transmit still hanging in a driver is left to the daemon thread. */
    @Override
    public void close() {
        transmitter.shutdownNow();
    }

    /** The table's status words that end an exchange; anything else, or an error word with data, is CARD_ERROR. */
    private static CardRefusedException refusal(String step, Response answer) {
        String detail = step + " answered " + answer.swHex();
        if (answer.data().length > 0) {
            return new CardRefusedException(DeclineCode.CARD_ERROR, detail + " with " + answer.data().length
                    + " unexpected data bytes");
        }
        switch (answer.sw()) {
            case CardApdus.SW_PIN_BLOCKED:
                return new CardRefusedException(DeclineCode.CARD_BLOCKED, detail + ": the PIN is blocked");
            case CardApdus.SW_DOMAIN_NOT_ACCEPTED:
                return new CardRefusedException(DeclineCode.TOKEN_NOT_ACCEPTED,
                        detail + ": the card does not sign for this token");
            case CardApdus.SW_APPLET_NOT_FOUND:
                return new CardRefusedException(DeclineCode.CARD_UNSUPPORTED, detail + ": no Heitje applet");
            default:
                return new CardRefusedException(DeclineCode.CARD_ERROR, detail);
        }
    }

    private Response exchange(String step, byte[] command) {
        if (deadFor != null) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, step + " not sent: " + deadFor);
        }
        Future<byte[]> answer;
        try {
            CommandAPDU apdu = new CommandAPDU(command);
            answer = transmitter.submit(() -> channel.transmit(apdu).getBytes());
        } catch (RejectedExecutionException closed) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, step + " not sent: the exchange is closed");
        } catch (RuntimeException unusable) {
            throw new CardRefusedException(DeclineCode.CARD_ERROR, step + " not sent: " + unusable.getMessage());
        }
        try {
            byte[] bytes = answer.get(apduTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return CardApdus.response(bytes).orElseThrow(() -> new CardRefusedException(DeclineCode.CARD_ERROR,
                    step + " answered " + (bytes == null ? 0 : bytes.length) + " bytes, no status word"));
        } catch (TimeoutException slow) {
            answer.cancel(true);
            deadFor = step + " got no answer within " + apduTimeout.toMillis() + " ms";
            throw new CardRefusedException(DeclineCode.CARD_ERROR, deadFor);
        } catch (InterruptedException interrupted) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new CardRefusedException(DeclineCode.CARD_ERROR, step + " interrupted");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            if (cardIsGone(cause)) {
                throw new CardRefusedException(DeclineCode.CARD_REMOVED, step + ": the card was taken away", cause);
            }
            LOG.log(Level.FINE, step + " failed on the card", cause);
            throw new CardRefusedException(DeclineCode.CARD_ERROR, step + " failed: " + cause, cause);
        }
    }

    private boolean cardIsGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = Optional.ofNullable(t.getMessage()).orElse("").toUpperCase(Locale.ROOT);
            for (String marker : GONE_MARKERS) {
                if (message.contains(marker)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        try {
            return removalGrace.isZero() ? !terminal.isCardPresent()
                    : terminal.waitForCardAbsent(removalGrace.toMillis());
        } catch (Exception readerGone) {
            // A reader that cannot even say whether a card is there has left the bus, and the card with it.
            return true;
        }
    }
}
