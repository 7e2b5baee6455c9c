// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import nl.heitje.config.TerminalConfig;

/**
 * The first manager PIN: six random digits, kept in the config only as a slow salted hash
 * ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, PBKDF2-HMAC-SHA256 from the JDK). Six digits are a small space, so
 * the hash is made slow; the staff UI that checks it also limits attempts.
 */
final class ManagerPin {
    static final int ITERATIONS = TerminalConfig.MIN_PIN_ITERATIONS;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private ManagerPin() {
    }

    static String random(SecureRandom random) {
        return String.format("%06d", random.nextInt(1_000_000));
    }

    static String hash(String pin, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder();
        return "pbkdf2-sha256$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(pbkdf2(pin, salt, ITERATIONS));
    }

    /** Whether {@code pin} is the one hashed into {@code stored} (compared in constant time). */
    static boolean matches(String pin, String stored) {
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, pbkdf2(pin, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] pbkdf2(String pin, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(pin.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
