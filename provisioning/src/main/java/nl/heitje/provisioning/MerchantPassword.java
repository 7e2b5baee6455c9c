// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import nl.heitje.config.ConfigException;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.SlowHash;
import nl.heitje.config.TerminalConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sets the password of the merchant's web page: its slow hash goes into the config as {@code merchant.passwordHash},
 * replacing any earlier one; the rest of the file is kept as it was, owner, group and mode included. The terminal
 * reads it at its next start.
 */
@Command(name = "merchant-password", mixinStandardHelpOptions = true,
        description = {"Sets the password the merchant logs in to the terminal's web page with (/merchant/).",
                "Only a slow salted hash of it is stored, as merchant.passwordHash in the config; restart the"
                        + " terminal to use it."})
final class MerchantPassword implements Callable<Integer> {
    static final int MIN_LENGTH = 10;
    private static final String KEY = "merchant.passwordHash";

    @Option(names = "--config", required = true, description = "The terminal's config, e.g."
            + " /etc/heitje/terminal.properties.")
    Path config;
    @Option(names = "--password-file", description = "A file holding the new password (at least " + MIN_LENGTH
            + " characters); without it the password is asked twice on the console. Never give a password on the"
            + " command line.")
    Path passwordFile;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try {
            char[] password = password();
            if (password.length < MIN_LENGTH) {
                throw new IllegalArgumentException("the password must have at least " + MIN_LENGTH + " characters");
            }
            String hash = SlowHash.hash(password, new SecureRandom());
            Arrays.fill(password, '\0');
            byte[] before = Files.readAllBytes(config);
            replace(config, withHash(new String(before, StandardCharsets.UTF_8), hash));
            try {
                TerminalConfig.load(config);
            } catch (ConfigException invalid) {
                replace(config, before);
                throw new IllegalArgumentException("the config does not load, so it was left as it was: "
                        + invalid.getMessage());
            }
            err.println("merchant password set in " + config + "; restart the terminal to use it");
            err.flush();
            return 0;
        } catch (IllegalArgumentException | IOException refused) {
            err.println("provision merchant-password: " + refused.getMessage());
            err.flush();
            return 1;
        }
    }

    private char[] password() throws IOException {
        if (passwordFile != null) {
            return PasswordFile.read(passwordFile).toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no console to ask the password on: give --password-file FILE");
        }
        char[] first = console.readPassword("merchant password (at least %d characters): ", MIN_LENGTH);
        char[] again = console.readPassword("the same password again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
            throw new IllegalArgumentException("the two passwords differ");
        }
        Arrays.fill(again, '\0');
        return first;
    }

    /** The file's lines without any earlier hash, then the new one (escaped as the config writer escapes). */
    static String withHash(String properties, String hash) {
        List<String> lines = new ArrayList<>();
        for (String line : properties.split("\r?\n", -1)) {
            String key = line.strip();
            if (!(key.startsWith(KEY + "=") || key.startsWith(KEY + " ") || key.startsWith(KEY + ":"))) {
                lines.add(line);
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.add(KEY + "=" + hash.replace("=", "\\="));
        return String.join("\n", lines) + "\n";
    }

    /** Renamed into place so a reader never sees half a file, with the old file's owner, group and mode. */
    private static void replace(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temporary);
            Files.write(temporary, content);
            PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
            if (view != null) {
                PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setPermissions(old.permissions());
                view.setGroup(old.group());
                view.setOwner(old.owner());
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void replace(Path file, String content) throws IOException {
        replace(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
