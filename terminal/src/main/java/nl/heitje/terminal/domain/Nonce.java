// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.regex.Pattern;

/** The payer's 32 random bytes that make one authorization unique, in lower-case {@code 0x} hex. */
public record Nonce(String hex) {
    private static final Pattern FORM = Pattern.compile("0x[0-9a-f]{64}");

    public Nonce {
        if (hex == null || !FORM.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a 32-byte nonce: " + hex);
        }
    }

    public static Nonce of(byte[] thirtyTwoBytes) {
        if (thirtyTwoBytes.length != 32) {
            throw new IllegalArgumentException("a nonce has 32 bytes, not " + thirtyTwoBytes.length);
        }
        return new Nonce(Hex.encode(thirtyTwoBytes));
    }

    public byte[] bytes() {
        return Hex.decode(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
