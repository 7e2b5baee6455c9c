// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Replaces a file so that a reader, or the next start after a SIGKILL or a power cut, sees either the old content
 * or the new, never a torn file: written beside the target, synced, then renamed over it.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** {@code write} writes the new content to the path it is handed; that file then takes {@code target}'s place. */
    static void replace(Path target, Consumer<Path> write) {
        Path file = target.toAbsolutePath();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temporary);
            write.accept(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The rename itself is durable once the directory is synced (Linux allows syncing a directory).
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException | UnsupportedOperationException notSupported) {
                // Some file systems refuse it; the rename is still atomic.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
    }

    static void replace(Path target, byte[] content) {
        replace(target, temporary -> {
            try {
                Files.write(temporary, content);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + temporary, e);
            }
        });
    }
}
