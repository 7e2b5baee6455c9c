// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.port.ContactLog;

/**
 * The last trusted chain contact in a small text file in the data directory ({@code at=<instant>},
 * {@code block=<number>}). Written to a temporary file, forced to disk and renamed over the old one, so a power cut
 * leaves the previous contact or the new one, never a torn file. A file that cannot be read counts as no contact:
 * the terminal then refuses offline approvals until it reaches the chain, which is the safe way to be wrong.
 */
public final class ContactFile implements ContactLog {
    private static final Logger LOG = Logger.getLogger(ContactFile.class.getName());

    private final Path file;
    private final Path partial;

    public ContactFile(Path file) {
        this.file = file;
        this.partial = DurableFiles.partialOf(file);
    }

    @Override
    public Optional<Contact> last() {
        try {
            Files.deleteIfExists(partial);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            Properties values = new Properties();
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(reader);
            }
            return Optional.of(new Contact(Instant.parse(values.getProperty("at", "")),
                    Long.parseLong(values.getProperty("block", ""))));
        } catch (IOException | RuntimeException unreadable) {
            LOG.log(Level.WARNING, "the last chain contact in " + file + " cannot be read; counting it as none",
                    unreadable);
            return Optional.empty();
        }
    }

    @Override
    public synchronized void record(Contact contact) {
        byte[] text = ("at=" + contact.at() + "\nblock=" + contact.block() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            DurableFiles.replace(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the last chain contact in " + file, e);
        }
    }
}
