// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.util.Optional;

/**
 * A contactless reader citizens tap their signing card on (PC/SC in production, a virtual reader in the
 * simulator). It watches for readers and cards on its own thread and hands each presented card to the handler,
 * which runs the whole exchange and returns when it has ended; then the reader waits for the card to go.
 * "No reader" is a state, not an error: a reader plugged in later is picked up.
 */
public interface CardReader extends AutoCloseable {

    void start(CardHandler handler);

    /** Whether a reader is there to tap on, and which. */
    Status status();

    @Override
    void close();

    @FunctionalInterface
    interface CardHandler {
        ScanResult onCard(SigningCard card);
    }

    /**
     * @param reader  the reader in use, when there is one
     * @param problem why there is none (no PC/SC service, no reader attached), in words for the health answer
     */
    record Status(Optional<String> reader, Optional<String> problem) {
        public static Status ready(String reader) {
            return new Status(Optional.of(reader), Optional.empty());
        }

        public static Status noReader(String problem) {
            return new Status(Optional.empty(), Optional.of(problem));
        }

        public boolean present() {
            return reader.isPresent();
        }
    }
}
