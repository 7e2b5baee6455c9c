// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over TLS the session cookie is {@code Secure}: the page asks the connection, so whichever way the till API's
 * server gets its certificate, the cookie follows.
 */
class MerchantPageTlsTest {
    private static final String STORE_PASSWORD = "test-store-password";

    @TempDir
    Path dir;

    @Test
    void marksBothCookiesSecureWhenServedOverTls() throws Exception {
        Path keyStore = selfSignedKeyStore();
        AtomicReference<ServerConnector> tls = new AtomicReference<>();
        try (MerchantShop shop = new MerchantShop(dir, config -> config.jetty.addConnector((server, http) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keyStore.toString());
            ssl.setKeyStorePassword(STORE_PASSWORD);
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer(false));
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(https));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            tls.set(connector);
            return connector;
        }))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keyStore))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + tls.get().getLocalPort();

            HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(base + "/merchant/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String loginCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
            Matcher token = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
            assertTrue(token.find());
            HttpResponse<String> loggedIn = client.send(HttpRequest.newBuilder(URI.create(base + "/merchant/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", loginCookie.substring(0, loginCookie.indexOf(';')))
                    .POST(HttpRequest.BodyPublishers.ofString("password=" + URLEncoder.encode(MerchantShop.PASSWORD,
                            StandardCharsets.UTF_8) + "&csrf=" + token.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertTrue(loginCookie.endsWith("; Secure"), loginCookie);
            assertEquals(303, loggedIn.statusCode());
            String session = loggedIn.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(MerchantPage.SESSION_COOKIE + "=")).findFirst().orElseThrow();
            assertTrue(session.contains("; HttpOnly; SameSite=Strict") && session.endsWith("; Secure"), session);
        }
    }

    private Path selfSignedKeyStore() throws Exception {
        Path store = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "terminal", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                Files.exists(dir.resolve("keytool.log")) ? Files.readString(dir.resolve("keytool.log")) : "keytool");
        return store;
    }

    private static SSLContext trusting(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
