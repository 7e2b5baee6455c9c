// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The form secrets take in the config: {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}
 * (PBKDF2-HMAC-SHA256 from the JDK). Slow on purpose, so a copied config does not give the secret away cheaply.
 */
public final class SlowHash {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private SlowHash() {
    }

    public static String hash(char[] secret, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder();
        int iterations = TerminalConfig.MIN_PIN_ITERATIONS;
        return "pbkdf2-sha256$" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(pbkdf2(secret, salt, iterations));
    }

    /** Whether {@code secret} is the one hashed into {@code stored} (a hash the config reader accepted). */
    public static boolean matches(char[] secret, String stored) {
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, pbkdf2(secret, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] pbkdf2(char[] secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
