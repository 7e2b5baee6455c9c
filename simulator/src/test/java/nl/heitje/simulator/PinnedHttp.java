// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import nl.heitje.terminal.crypto.SelfSignedCertificate;

/** An HTTP client as a till's installer sets one up: it trusts exactly the certificate whose fingerprint it pins. */
final class PinnedHttp {
    private static final Pattern PRINTED = Pattern.compile(
            "(?m)^till API certificate SHA-256 fingerprint: ([0-9A-F]{2}(?::[0-9A-F]{2}){31}) ");

    private PinnedHttp() {
    }

    /** The fingerprint {@code provision init} printed. */
    static String printedFingerprint(String provisionOutput) {
        Matcher printed = PRINTED.matcher(provisionOutput);
        if (!printed.find()) {
            throw new AssertionError("no fingerprint printed in:\n" + provisionOutput);
        }
        return printed.group(1);
    }

    static java.net.http.HttpClient client(String fingerprint) {
        X509TrustManager pinning = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("no client certificates here");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                String presented = SelfSignedCertificate.fingerprint(chain[0]);
                if (!presented.equals(fingerprint)) {
                    throw new CertificateException("certificate " + presented + " is not the pinned " + fingerprint);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {pinning}, new SecureRandom());
            return java.net.http.HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
