// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.crypto.SelfSignedCertificate;

/**
 * The till API's certificate on disk: a PKCS#12 keystore beside the config, written like the settlement keystore
 * (final permissions from the first byte, renamed into place), under the same password.
 */
final class TillCertificateFile {
    private TillCertificateFile() {
    }

    /**
     * The names a till may reach the terminal by: the given host name (by default this machine's), its mDNS form
     * ({@code NAME.local}, how a Pi announces itself on a shop's network) and {@code localhost}; and 127.0.0.1.
     */
    static SelfSignedCertificate create(String hostName, SecureRandom random) throws UnknownHostException {
        List<String> names = new ArrayList<>(List.of(hostName));
        if (!hostName.contains(".") && !hostName.equalsIgnoreCase("localhost")) {
            names.add(hostName + ".local");
        }
        if (!names.contains("localhost")) {
            names.add("localhost");
        }
        return SelfSignedCertificate.create(names, List.of(InetAddress.getByName("127.0.0.1")), Instant.now(), random);
    }

    /** This machine's host name, or {@code localhost} when it has none a certificate could carry. */
    static String machineHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return SelfSignedCertificate.isHostName(name) ? name : "localhost";
        } catch (UnknownHostException unnamed) {
            return "localhost";
        }
    }

    static void write(Path file, char[] password, SelfSignedCertificate certificate, Optional<String> readerGroup)
            throws IOException {
        AtomicFiles.replaceSecret(file, certificate.pkcs12(password), readerGroup);
    }

    /** The certificate of an existing keystore, which must open with {@code password}; a link is refused. */
    static Certificate open(Path file, char[] password) throws IOException, GeneralSecurityException {
        if (Files.isSymbolicLink(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "is a symbolic link; refusing to follow it");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            store.load(in, password);
        }
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                store.getKey(alias, password);
                return store.getCertificate(alias);
            }
        }
        throw new GeneralSecurityException("no key entry in " + file);
    }
}
