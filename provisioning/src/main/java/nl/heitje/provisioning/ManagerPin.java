// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.security.SecureRandom;
import nl.heitje.config.SlowHash;
import nl.heitje.config.TerminalConfig;

/**
 * The first manager PIN: six random digits, kept in the config only as a slow salted hash
 * ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, PBKDF2-HMAC-SHA256 from the JDK). Six digits are a small space, so
 * the hash is made slow; the staff UI that checks it also limits attempts.
 */
final class ManagerPin {
    static final int ITERATIONS = TerminalConfig.MIN_PIN_ITERATIONS;

    private ManagerPin() {
    }

    static String random(SecureRandom random) {
        return String.format("%06d", random.nextInt(1_000_000));
    }

    static String hash(String pin, SecureRandom random) {
        return SlowHash.hash(pin.toCharArray(), random);
    }

    /** Whether {@code pin} is the one hashed into {@code stored} (compared in constant time). */
    static boolean matches(String pin, String stored) {
        return SlowHash.matches(pin.toCharArray(), stored);
    }
}
