// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.Collections;
import nl.heitje.config.ConfigException;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.TerminalConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The till API's TLS: its PKCS#12 keystore (made by {@code provision init}), opened once at start-up, and the
 * Jetty connector that serves with it, TLS 1.2 and 1.3 only.
 *
 * @param keyStore the keystore, holding one key entry: the server's key and its self-signed certificate
 * @param password the keystore's (and its key's) password; never logged, never part of {@link #toString()}
 */
public record TillTls(KeyStore keyStore, String password) {
    @Override
    public String toString() {
        return "TillTls[certificate " + fingerprint() + "]";
    }

    /**
     * Opens the keystore the config names; any failure stops the start-up with the config key and the file, never
     * the password.
     */
    public static TillTls open(TerminalConfig.TillTls settings) {
        if (Files.isSymbolicLink(settings.keystore())) {
            throw new ConfigException(settings.configFile(), "till.tls.keystore", settings.keystore()
                    + " is a symbolic link; refusing to follow it");
        }
        String password;
        try {
            password = PasswordFile.read(settings.passwordFile());
        } catch (IOException e) {
            throw new ConfigException(settings.configFile(), "till.tls.passwordFile", "cannot read the password file "
                    + settings.passwordFile() + reason(e));
        }
        KeyStore store;
        try (InputStream in = Files.newInputStream(settings.keystore(), LinkOption.NOFOLLOW_LINKS)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new ConfigException(settings.configFile(), "till.tls.passwordFile", "the password in "
                        + settings.passwordFile() + " does not open the till API keystore " + settings.keystore());
            }
            throw new ConfigException(settings.configFile(), "till.tls.keystore", "cannot read the till API keystore "
                    + settings.keystore() + reason(e));
        } catch (GeneralSecurityException e) {
            throw new ConfigException(settings.configFile(), "till.tls.keystore", settings.keystore()
                    + " is not a PKCS#12 keystore (" + e.getClass().getSimpleName() + ")");
        }
        TillTls tls = new TillTls(store, password);
        if (tls.certificate() == null) {
            throw new ConfigException(settings.configFile(), "till.tls.keystore", settings.keystore()
                    + " holds no key with a certificate (make it with provision init)");
        }
        try {
            store.getKey(tls.alias(), password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(settings.configFile(), "till.tls.passwordFile", "the password in "
                    + settings.passwordFile() + " does not open the key in " + settings.keystore());
        }
        return tls;
    }

    /** The served certificate, which the till pins. */
    public Certificate certificate() {
        String alias = alias();
        try {
            return alias == null ? null : keyStore.getCertificate(alias);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** SHA-256 of the served certificate, {@code AB:CD:...}. */
    public String fingerprint() {
        Certificate certificate = certificate();
        return certificate == null ? "none" : nl.heitje.terminal.crypto.SelfSignedCertificate.fingerprint(certificate);
    }

    /** Serves the API from this connector instead of Javalin's plain one. */
    void install(JavalinConfig config, String host, int port) {
        config.jetty.addConnector((server, httpConfiguration) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(password);
            ssl.setCertAlias(alias());
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            HttpConfiguration https = new HttpConfiguration(httpConfiguration);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // A till reaches the terminal by whatever address the shop's network gives it; the pin, not the name,
            // is what it checks, so a name the certificate does not carry must not be refused.
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            ServerConnector connector = new ServerConnector(server,
                    new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
    }

    private String alias() {
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    return alias;
                }
            }
            return null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? ": no such file" : " (" + e.getClass().getSimpleName() + ")";
    }
}
