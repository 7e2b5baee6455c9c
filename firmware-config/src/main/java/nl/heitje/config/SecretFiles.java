// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Creates the files that hold secrets (the config, the keystore) with their final permissions from the first
 * moment: readable by the owner only, or also by one group (the service's, when root provisions a terminal that a
 * service user runs). The group is set while the file is still empty, so no secret is ever readable by anyone it
 * is not meant for.
 */
public final class SecretFiles {
    private SecretFiles() {
    }

    /**
     * Creates {@code file}, which must not exist, empty.
     *
     * @param readerGroup the group that may read it too (mode 0640), or none (mode 0600)
     */
    public static void create(Path file, Optional<String> readerGroup) throws IOException {
        String mode = readerGroup.isPresent() ? "rw-r-----" : "rw-------";
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        } catch (UnsupportedOperationException notPosix) {
            // Not every file system has POSIX permissions; the installer sets them on the Pi.
            Files.createFile(file);
            return;
        }
        if (readerGroup.isPresent()) {
            GroupPrincipal group = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(readerGroup.get());
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        }
    }
}
