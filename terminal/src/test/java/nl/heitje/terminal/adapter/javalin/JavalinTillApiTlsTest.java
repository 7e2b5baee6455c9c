// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.crypto.SelfSignedCertificate;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The till API over TLS with the certificate provisioning makes: what a till that pins its fingerprint sees. */
class JavalinTillApiTlsTest {
    private static final String TOKEN = "till-secret-0123456789";
    private static final String PASSWORD = "a password of some length";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now());
    private SqliteJournal journal;
    private JavalinTillApi api;
    private SelfSignedCertificate served;

    @BeforeEach
    void start() throws Exception {
        served = SelfSignedCertificate.create(List.of("till-terminal", "localhost"),
                List.of(InetAddress.getByName("127.0.0.1")), Instant.now(), new SecureRandom());
        TerminalConfig.TillTls settings = writeKeystore(served, PASSWORD);
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        FakeChainReader chain = new FakeChainReader();
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, new Connectivity(chain, clock), ApprovalGate.UNGUARDED), journal,
                new FakeDenyList(), new FakeHolderBalances(), clock);
        PaymentDesk desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
        api = new JavalinTillApi(new JavalinTillApi.Settings("127.0.0.1", 0, TOKEN, new Euros(250_00),
                Optional.of(TillTls.open(settings))), desk, () -> Map.of("status", "UP")).start();
    }

    @AfterEach
    void stop() {
        api.close();
        journal.close();
    }

    @Test
    void aTillPinningTheFingerprintIsServed() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        HttpClient pinned = pinnedClient(SelfSignedCertificate.fingerprint(served.certificate()), seen);

        HttpResponse<String> answer = pinned.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + api.port() + "/api/v1/payments"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(SelfSignedCertificate.fingerprint(served.certificate()), seen.get());
        assertEquals("https", api.scheme());
        assertTrue(answer.sslSession().orElseThrow().getProtocol().matches("TLSv1\\.[23]"),
                answer.sslSession().orElseThrow().getProtocol());
    }

    @Test
    void aTillPinningAnotherCertificateIsRefusedTheHandshake() {
        var other = SelfSignedCertificate.create(List.of("localhost"), List.of(), Instant.now(), new SecureRandom());
        HttpClient pinned = pinnedClient(SelfSignedCertificate.fingerprint(other.certificate()), new AtomicReference<>());

        assertThrows(IOException.class, () -> pinned.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + api.port() + "/api/v1/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/v1/health")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void tlsBelowOnePointTwoIsRefused() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {pinning(SelfSignedCertificate.fingerprint(served.certificate()),
                new AtomicReference<>())}, new SecureRandom());
        try (var socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", api.port())) {
            // Only what the JDK still speaks below 1.2 when asked: the server must not agree to it.
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThrows(IOException.class, socket::startHandshake);
        } catch (IllegalArgumentException notSpokenHereEither) {
            // A JDK without TLS 1.1 at all cannot even try, which proves nothing either way but is not a failure.
        }
    }

    @Test
    void aWrongPasswordStopsTheStartNamingTheKey() throws Exception {
        TerminalConfig.TillTls settings = writeKeystore(served, PASSWORD);
        Files.writeString(settings.passwordFile(), "not the password at all\n");

        ConfigException refused = assertThrows(ConfigException.class, () -> TillTls.open(settings));

        assertTrue(refused.getMessage().contains("till.tls.passwordFile"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("not the password at all"), "never the password");
    }

    @Test
    void aMissingKeystoreStopsTheStartNamingTheKey() {
        var settings = new TerminalConfig.TillTls(dir.resolve("terminal.properties"), dir.resolve("absent.p12"),
                dir.resolve("absent-password"));
        Path password = dir.resolve("pw");
        ConfigException refused = assertThrows(ConfigException.class, () -> TillTls.open(
                new TerminalConfig.TillTls(settings.configFile(), settings.keystore(), writePassword(password))));

        assertTrue(refused.getMessage().contains("till.tls.keystore"), refused.getMessage());
    }

    private Path writePassword(Path file) throws IOException {
        Files.writeString(file, PASSWORD + "\n");
        return file;
    }

    private TerminalConfig.TillTls writeKeystore(SelfSignedCertificate certificate, String password) throws IOException {
        Path keystore = Files.createTempFile(dir, "till-tls", ".p12");
        Files.write(keystore, certificate.pkcs12(password.toCharArray()));
        Path passwordFile = writePassword(Files.createTempFile(dir, "password", ""));
        return new TerminalConfig.TillTls(dir.resolve("terminal.properties"), keystore, passwordFile);
    }

    /** A client that trusts exactly one certificate, by its SHA-256 fingerprint: how the till is installed. */
    static HttpClient pinnedClient(String fingerprint, AtomicReference<String> seen) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {pinning(fingerprint, seen)}, new SecureRandom());
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            return HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509TrustManager pinning(String fingerprint, AtomicReference<String> seen) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("no client certificates here");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                String presented = SelfSignedCertificate.fingerprint(chain[0]);
                seen.set(presented);
                if (!presented.equals(fingerprint)) {
                    throw new CertificateException("certificate " + presented + " is not the pinned " + fingerprint);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
