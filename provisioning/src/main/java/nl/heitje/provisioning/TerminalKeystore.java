// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;
import org.web3j.crypto.exception.CipherException;
import org.web3j.protocol.ObjectMapperFactory;

/**
 * The terminal's settlement key in an Ethereum v3 JSON keystore (scrypt, AES-128-CTR), the format every Ethereum
 * wallet reads.
 *
 * <p>Scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB). The "standard" N = 2^18 needs 256 MiB of heap to decrypt, which a
 * Pi Zero 2 W (512 MB) and the terminal's small heap cannot spare at start-up; 2^16 already fails under
 * {@code -Xmx64m}. 2^15 takes ~0.15 s here and stays memory-hard; the password rule makes up the rest.
 */
final class TerminalKeystore {
    static final int SCRYPT_N = 1 << 15;
    static final int SCRYPT_P = 1;
    static final int MIN_PASSWORD_LENGTH = 12;

    private TerminalKeystore() {
    }

    /** Why this password is refused, or null when it is good enough. */
    static String weakness(String password) {
        if (password.length() < MIN_PASSWORD_LENGTH) {
            return "the keystore password must be at least " + MIN_PASSWORD_LENGTH + " characters";
        }
        if (password.isBlank()) {
            return "the keystore password must not be only spaces";
        }
        return null;
    }

    /**
     * Writes the key encrypted under the password: into a fresh temporary file beside {@code file}, created readable
     * by its owner only (never widened, then narrowed), then renamed over {@code file} in one step. A rename replaces
     * a symbolic link rather than writing through it; callers refuse one anyway.
     */
    static void write(Path file, String password, ECKeyPair key) throws IOException, CipherException {
        write(file, password, key, java.util.Optional.empty());
    }

    /** As {@link #write(Path, String, ECKeyPair)}, readable also by {@code readerGroup} (mode 0640) when given. */
    static void write(Path file, String password, ECKeyPair key, java.util.Optional<String> readerGroup)
            throws IOException, CipherException {
        WalletFile wallet = Wallet.create(password, key, SCRYPT_N, SCRYPT_P);
        AtomicFiles.replaceSecret(file, ObjectMapperFactory.getObjectMapper().writeValueAsBytes(wallet), readerGroup);
    }

    /** Opens a keystore; a symbolic link is refused, not followed. */
    static Credentials open(Path file, String password) throws IOException, CipherException {
        if (Files.isSymbolicLink(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "is a symbolic link; refusing to follow it");
        }
        byte[] json;
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            json = in.readAllBytes();
        }
        WalletFile wallet = ObjectMapperFactory.getObjectMapper().readValue(json, WalletFile.class);
        return Credentials.create(Wallet.decrypt(password, wallet));
    }
}
