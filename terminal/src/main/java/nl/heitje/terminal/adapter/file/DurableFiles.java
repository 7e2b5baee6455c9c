// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a small state file so that a power cut at any moment leaves the old content or the new, never a mix:
 * write a sibling {@code .partial} file, force it to the disk, rename it over the file, force the directory.
 */
final class DurableFiles {
    private DurableFiles() {
    }

    /** Where an unfinished write of {@code file} lies; a leftover one is removed at start. */
    static Path partialOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".partial");
    }

    static void replace(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path partial = partialOf(file);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel forced = FileChannel.open(directory, StandardOpenOption.READ)) {
            forced.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // Some file systems cannot open or force a directory; the rename itself is still atomic there.
        }
    }
}
