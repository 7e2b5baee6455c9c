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

    /** A fresh random salt and {@link TerminalConfig#MIN_PIN_ITERATIONS} rounds: how every secret is stored. */
    public static String hash(char[] secret, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return hash(secret, salt, TerminalConfig.MIN_PIN_ITERATIONS);
    }

    /** With a given salt and rounds: for tests and the simulator's demo staff, which need no secrecy. */
    public static String hash(char[] secret, byte[] salt, int iterations) {
        Base64.Encoder base64 = Base64.getEncoder();
        return "pbkdf2-sha256$" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(pbkdf2(secret, salt, iterations, HASH_BITS));
    }

    /**
     * Whether {@code secret} is the one hashed into {@code stored}, compared in constant time; false for a stored
     * text that is not such a hash at all.
     */
    public static boolean matches(char[] secret, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256") || !parts[1].matches("[0-9]{1,9}")) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return expected.length > 0 && MessageDigest.isEqual(expected,
                    pbkdf2(secret, salt, Integer.parseInt(parts[1]), expected.length * 8));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static byte[] pbkdf2(char[] secret, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
