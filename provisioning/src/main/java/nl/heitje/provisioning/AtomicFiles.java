// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import nl.heitje.config.SecretFiles;

/**
 * Files provisioning writes (the registration request, the sticker, the keystores): never seen half-written, a link
 * in their place replaced rather than followed.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A temporary file beside the target, renamed over it: a reader never sees half a file, a link is replaced. */
    static void replace(Path file, byte[] content) throws IOException {
        replace(file, content, temporary -> Files.newOutputStream(temporary, LinkOption.NOFOLLOW_LINKS,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * As {@link #replace(Path, byte[])} for a secret: the temporary file is created with its final mode (0600, or
     * 0640 for {@code readerGroup}) before a byte is written, so the secret is never readable by anyone else.
     */
    static void replaceSecret(Path file, byte[] content, Optional<String> readerGroup) throws IOException {
        replace(file, content, temporary -> {
            SecretFiles.create(temporary, readerGroup);
            return Files.newOutputStream(temporary, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        });
    }

    @FunctionalInterface
    private interface Creation {
        OutputStream open(Path temporary) throws IOException;
    }

    private static void replace(Path file, byte[] content, Creation creation) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temporary); // left by a crash; deleting a link removes the link itself
            try (OutputStream out = creation.open(temporary)) {
                out.write(content);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
