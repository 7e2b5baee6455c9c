// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The keystore's password as kept in a file (a systemd credential, or a file only root and the service user can
 * read). Provisioning and the terminal read it through this one rule, so a password written with
 * {@code echo pw > file} opens the keystore that {@code provision init} made from the same file.
 */
public final class PasswordFile {
    private PasswordFile() {
    }

    /** The file's text (UTF-8) without one trailing line end: editors and {@code echo} add one. */
    public static String read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }
}
