// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CardTerminals;

/**
 * The virtual readers plugged into this JVM, shared by every factory of {@link VirtualSmartcardProvider}.
 * With none plugged in, {@code list()} fails as pcscd does without a reader (SCARD_E_NO_READERS_AVAILABLE).
 */
public final class VirtualReaders {
    private static final Object LOCK = new Object();
    private static final Map<String, VirtualReader> PLUGGED = new LinkedHashMap<>();
    private static long changes;

    private VirtualReaders() {
    }

    /** Plugs a reader in (or returns the one already plugged in under this name). */
    public static VirtualReader plugIn(String name) {
        synchronized (LOCK) {
            VirtualReader reader = PLUGGED.computeIfAbsent(name, VirtualReader::new);
            changed();
            return reader;
        }
    }

    /** Pulls the reader out; a card on it is gone with it. */
    public static void unplug(String name) {
        VirtualReader reader;
        synchronized (LOCK) {
            reader = PLUGGED.remove(name);
            changed();
        }
        if (reader != null) {
            reader.unplugged();
        }
    }

    public static void unplugAll() {
        List<String> names;
        synchronized (LOCK) {
            names = new ArrayList<>(PLUGGED.keySet());
        }
        names.forEach(VirtualReaders::unplug);
    }

    public static Optional<VirtualReader> find(String name) {
        synchronized (LOCK) {
            return Optional.ofNullable(PLUGGED.get(name));
        }
    }

    /** Called by a reader whose card came or went, so {@code waitForChange} wakes. */
    static void changed() {
        synchronized (LOCK) {
            changes++;
            LOCK.notifyAll();
        }
    }

    static CardTerminals terminals() {
        return new Terminals();
    }

    private static final class Terminals extends CardTerminals {
        private long seen = -1;

        @Override
        public List<CardTerminal> list(State state) throws CardException {
            List<VirtualReader> readers;
            synchronized (LOCK) {
                if (PLUGGED.isEmpty()) {
                    throw new CardException("list() failed", new CardException("SCARD_E_NO_READERS_AVAILABLE"));
                }
                readers = new ArrayList<>(PLUGGED.values());
            }
            List<CardTerminal> out = new ArrayList<>();
            for (VirtualReader reader : readers) {
                // Insertion and removal are reported as present and absent: no one here tracks edges.
                boolean present = reader.isCardPresent();
                boolean wanted = state == State.ALL
                        || (present && (state == State.CARD_PRESENT || state == State.CARD_INSERTION))
                        || (!present && (state == State.CARD_ABSENT || state == State.CARD_REMOVAL));
                if (wanted) {
                    out.add(reader);
                }
            }
            return out;
        }

        @Override
        public boolean waitForChange(long timeout) throws CardException {
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout must not be negative");
            }
            long deadline = System.currentTimeMillis() + (timeout == 0 ? Long.MAX_VALUE / 2 : timeout);
            synchronized (LOCK) {
                if (seen < 0) {
                    seen = changes;
                }
                try {
                    while (changes == seen) {
                        long left = deadline - System.currentTimeMillis();
                        if (left <= 0) {
                            return false;
                        }
                        LOCK.wait(left);
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new CardException("waitForChange() interrupted", interrupted);
                }
                seen = changes;
                return true;
            }
        }
    }
}
