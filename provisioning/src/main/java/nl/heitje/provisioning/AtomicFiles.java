// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Files provisioning hands to people (the registration request, the sticker): never seen half-written. */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** A temporary file beside the target, renamed over it: a reader never sees half a file, a link is replaced. */
    static void replace(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temporary);
            try (OutputStream out = Files.newOutputStream(temporary, LinkOption.NOFOLLOW_LINKS,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(content);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
