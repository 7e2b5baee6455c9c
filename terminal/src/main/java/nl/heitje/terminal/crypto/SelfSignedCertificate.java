// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The till API's own certificate: an ECDSA P-256 key and a self-signed X.509 v3 certificate for the device's names,
 * made with the JDK alone. The JDK can sign but offers no public API to build a certificate (keytool's classes are
 * internal), so the few DER structures a server certificate needs are written here. Nobody is meant to trust it
 * through a CA: the till's installer pins its fingerprint.
 *
 * @param certificate the certificate, as parsed back by the JDK (so what we wrote is what any reader sees)
 */
public record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
    /** The alias of the key entry in the PKCS#12 keystore; the server takes the only key entry there is. */
    public static final String ALIAS = "till-api";
    /** Long enough to outlive a terminal's deployment without surprise, short enough to be renewed with it. */
    public static final Duration VALIDITY = Duration.ofDays(5 * 365);

    private static final byte[] ECDSA_WITH_SHA256 = oid("1.2.840.10045.4.3.2");
    private static final byte[] COMMON_NAME = oid("2.5.4.3");
    private static final byte[] SUBJECT_ALT_NAME = oid("2.5.29.17");
    private static final byte[] EXTENDED_KEY_USAGE = oid("2.5.29.37");
    private static final byte[] SERVER_AUTH = oid("1.3.6.1.5.5.7.3.1");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter
            .ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * A new key and a certificate for {@code dnsNames} and {@code ipAddresses}, valid from a minute before
     * {@code now} (a till whose clock is a little behind still accepts it) for {@link #VALIDITY}.
     */
    public static SelfSignedCertificate create(List<String> dnsNames, List<InetAddress> ipAddresses, Instant now,
                                               SecureRandom random) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name");
        }
        for (String name : dnsNames) {
            if (!isHostName(name)) {
                throw new IllegalArgumentException("not a host name: " + name);
            }
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();
            byte[] serial = new byte[16];
            random.nextBytes(serial);
            serial[0] &= 0x7f; // positive, as RFC 5280 requires
            byte[] algorithm = sequence(ECDSA_WITH_SHA256);
            String commonName = "Heitje terminal " + dnsNames.get(0);
            // X.520 caps a common name at 64 characters; the alternative names carry the full host names anyway.
            commonName = commonName.substring(0, Math.min(64, commonName.length()));
            byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0c, utf8(commonName)))));
            Instant notBefore = now.minusSeconds(60);
            byte[] validity = sequence(time(notBefore), time(notBefore.plus(VALIDITY)));
            List<byte[]> altNames = new ArrayList<>();
            dnsNames.forEach(dns -> altNames.add(tlv(0x82, dns.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            ipAddresses.forEach(ip -> altNames.add(tlv(0x87, ip.getAddress())));
            byte[] extensions = tlv(0xa3, sequence(
                    sequence(SUBJECT_ALT_NAME, tlv(0x04, sequence(altNames.toArray(byte[][]::new)))),
                    sequence(EXTENDED_KEY_USAGE, tlv(0x04, sequence(SERVER_AUTH)))));
            byte[] toBeSigned = sequence(tlv(0xa0, tlv(0x02, new byte[] {2})), tlv(0x02, serial), algorithm, name,
                    validity, name, keys.getPublic().getEncoded(), extensions);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate(), random);
            signer.update(toBeSigned);
            byte[] signature = signer.sign();
            byte[] der = sequence(toBeSigned, algorithm, bitString(signature));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keys.getPublic());
            return new SelfSignedCertificate(certificate, keys.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an ECDSA P-256 certificate", e);
        }
    }

    /** The key and certificate as a PKCS#12 keystore under {@code password} (the JDK's default, AES-256 PBES2). */
    public byte[] pkcs12(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, password, new Certificate[] {certificate});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write a PKCS#12 keystore", e);
        }
    }

    /** The SHA-256 of the certificate's DER, as {@code AB:CD:...}: what {@code openssl x509 -fingerprint} shows. */
    public static String fingerprint(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of the public key (SubjectPublicKeyInfo) in base64: HTTP clients' public key pin form. */
    public static String publicKeyPin(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return "sha256//" + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DNS name a certificate may carry: letters, digits, hyphens and dots, as a resolver would take it. */
    public static boolean isHostName(String name) {
        return name.length() <= 253
                && name.matches("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    }

    private static byte[] time(Instant at) {
        // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050 on.
        return at.atZone(ZoneOffset.UTC).getYear() < 2050 ? tlv(0x17, ascii(UTC_TIME.format(at)))
                : tlv(0x18, ascii(GENERALIZED_TIME.format(at)));
    }

    private static byte[] bitString(byte[] content) {
        byte[] withUnusedBits = new byte[content.length + 1];
        System.arraycopy(content, 0, withUnusedBits, 1, content.length);
        return tlv(0x03, withUnusedBits);
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] digits = BigInteger.valueOf(length).toByteArray();
            int skip = digits[0] == 0 ? 1 : 0;
            out.write(0x80 | (digits.length - skip));
            out.write(digits, skip, digits.length - skip);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
