// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.util.Objects;
import javax.smartcardio.Card;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;

/**
 * One virtual contactless reader. The simulator {@link #insert inserts} a card (a {@link CardApplet}) and takes it
 * away; a card can also be set to leave by itself after a number of APDUs, to test a citizen who pulls it away
 * mid-exchange. A card taken away fails every further transmit the way PC/SC reports it (SCARD_W_REMOVED_CARD).
 */
public final class VirtualReader extends CardTerminal {
    private final String name;
    private Insertion insertion;
    private boolean plugged = true;
    private int waitingForCard;

    VirtualReader(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Puts a card on the reader that stays until {@link #remove()}. */
    public void insert(CardApplet applet) {
        insert(applet, -1);
    }

    /**
     * Puts a card on the reader that answers {@code removeAfterApdus} commands and is then taken away (0: gone at
     * the first command; negative: stays until {@link #remove()}). A card already there is replaced.
     */
    public void insert(CardApplet applet, int removeAfterApdus) {
        Objects.requireNonNull(applet, "applet");
        synchronized (this) {
            if (!plugged) {
                throw new IllegalStateException("the reader " + name + " is unplugged");
            }
            insertion = new Insertion(applet, removeAfterApdus);
            notifyAll();
        }
        VirtualReaders.changed();
    }

    /** Takes the card away (nothing happens when there is none). */
    public void remove() {
        synchronized (this) {
            insertion = null;
            notifyAll();
        }
        VirtualReaders.changed();
    }

    /**
     * Waits until someone (the terminal's reader loop) is waiting for a card on this reader with none there: the
     * moment a tap is wanted. A card put down before that may be taken for the one still being put away.
     */
    public synchronized boolean awaitTapWanted(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (waitingForCard == 0 || insertion != null) {
            long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized void unplugged() {
        plugged = false;
        insertion = null;
        notifyAll();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public synchronized Card connect(String protocol) throws CardException {
        requirePlugged();
        if (!"*".equals(protocol) && !"T=1".equals(protocol) && !"T=CL".equals(protocol)) {
            throw new CardException("protocol " + protocol + " not supported");
        }
        if (insertion == null) {
            throw new CardException("connect() failed", new CardException("SCARD_E_NO_SMARTCARD"));
        }
        return new VirtualCard(this, insertion);
    }

    @Override
    public synchronized boolean isCardPresent() throws CardException {
        requirePlugged();
        return insertion != null;
    }

    @Override
    public boolean waitForCardPresent(long timeout) throws CardException {
        return await(true, timeout);
    }

    @Override
    public boolean waitForCardAbsent(long timeout) throws CardException {
        return await(false, timeout);
    }

    private synchronized boolean await(boolean present, long timeout) throws CardException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
        long deadline = System.currentTimeMillis() + (timeout == 0 ? Long.MAX_VALUE / 2 : timeout);
        if (present) {
            waitingForCard++;
            notifyAll();
        }
        try {
            while (true) {
                requirePlugged();
                if ((insertion != null) == present) {
                    return true;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new CardException("wait interrupted", interrupted);
        } finally {
            if (present) {
                waitingForCard--;
            }
        }
    }

    /**
     * Lets one command through to the card, or says the card is gone. The applet runs outside the reader's
     * lock, so a card that never answers does not stop anyone asking whether it is still there.
     */
    byte[] transmit(Insertion card, byte[] command) throws CardException {
        synchronized (this) {
            if (!plugged || insertion != card) {
                throw removed();
            }
            if (card.remaining == 0) {
                insertion = null;
                notifyAll();
                VirtualReaders.changed();
                throw removed();
            }
        }
        byte[] answer;
        try {
            answer = card.applet.process(command.clone());
        } catch (RuntimeException mute) {
            throw new CardException("transmit() failed", new CardException("SCARD_E_NOT_TRANSACTED: " + mute));
        }
        synchronized (this) {
            if (insertion != card) {
                throw removed();
            }
            if (card.remaining > 0 && --card.remaining == 0) {
                insertion = null;
                notifyAll();
                VirtualReaders.changed();
            }
        }
        if (answer == null || answer.length < 2) {
            throw new CardException("transmit() failed", new CardException("SCARD_E_PROTO_MISMATCH"));
        }
        return answer;
    }

    private static CardException removed() {
        return new CardException("transmit() failed", new CardException("SCARD_W_REMOVED_CARD"));
    }

    private void requirePlugged() throws CardException {
        if (!plugged) {
            throw new CardException("SCARD_E_READER_UNAVAILABLE: " + name);
        }
    }

    @Override
    public String toString() {
        return "virtual reader " + name;
    }

    /** One card's stay on the reader; a new insertion is a new card, even with the same applet. */
    static final class Insertion {
        final CardApplet applet;
        int remaining;

        Insertion(CardApplet applet, int remaining) {
            this.applet = applet;
            this.remaining = remaining;
        }
    }
}
