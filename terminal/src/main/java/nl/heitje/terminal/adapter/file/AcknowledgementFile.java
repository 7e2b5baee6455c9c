// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.logging.Logger;
import nl.heitje.terminal.port.Acknowledgements;

/**
 * A manager's acknowledgement of a journal break: the broken redemption's sequence number, written by hand into a
 * file in the data directory (e.g. {@code echo 42 > /var/lib/heitje/journal-break.ack}). Only that number
 * acknowledges; a break found at another redemption needs its own acknowledgement.
 */
public final class AcknowledgementFile implements Acknowledgements {
    private static final Logger LOG = Logger.getLogger(AcknowledgementFile.class.getName());
    private final Path file;

    public AcknowledgementFile(Path file) {
        this.file = file;
    }

    @Override
    public OptionalLong journalBreak() {
        try {
            if (!Files.exists(file)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException unreadable) {
            LOG.warning("the acknowledgement in " + file + " is not a redemption number: " + unreadable.getMessage());
            return OptionalLong.empty();
        }
    }

    @Override
    public String howToAcknowledgeJournalBreak(long brokenLink) {
        return "to acknowledge, write " + brokenLink + " into " + file;
    }
}
