// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import java.util.Optional;

/**
 * The last trusted contact with the chain, kept across restarts: how long the terminal has been on its own decides
 * whether it may still approve offline.
 */
public interface ContactLog {

    /** When the chain was last reached and trusted, and the newest block seen then. */
    record Contact(Instant at, long block) {
    }

    /** Empty when none was ever recorded, or what was recorded cannot be read. */
    Optional<Contact> last();

    /** Durably replaces the recorded contact; when it returns, a power cut keeps this one or the previous one. */
    void record(Contact contact);
}
