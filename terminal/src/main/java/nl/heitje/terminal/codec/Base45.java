// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** RFC 9285 base45, strict: a decoder that refuses anything an encoder could not have produced. */
public final class Base45 {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUES[ALPHABET.charAt(i)] = i;
        }
    }

    private Base45() {
    }

    public static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length / 2) * 3 + 2);
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            int n = (bytes[i] & 0xFF) * 256 + (bytes[i + 1] & 0xFF);
            out.append(ALPHABET.charAt(n % 45)).append(ALPHABET.charAt((n / 45) % 45)).append(ALPHABET.charAt(n / 2025));
        }
        if (bytes.length % 2 == 1) {
            int n = bytes[bytes.length - 1] & 0xFF;
            out.append(ALPHABET.charAt(n % 45)).append(ALPHABET.charAt(n / 45));
        }
        return out.toString();
    }

    /** Empty when the text has a character outside the alphabet, a dangling character, or a group out of range. */
    public static Optional<byte[]> decode(CharSequence text) {
        int length = text.length();
        if (length % 3 == 1) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 3 * 2 + 1);
        for (int i = 0; i < length; i += 3) {
            int groupLength = Math.min(3, length - i);
            int n = 0;
            int weight = 1;
            for (int j = 0; j < groupLength; j++) {
                char c = text.charAt(i + j);
                int value = c < 128 ? VALUES[c] : -1;
                if (value < 0) {
                    return Optional.empty();
                }
                n += value * weight;
                weight *= 45;
            }
            if (groupLength == 3) {
                if (n > 0xFFFF) {
                    return Optional.empty();
                }
                out.write(n >> 8);
                out.write(n & 0xFF);
            } else {
                if (n > 0xFF) {
                    return Optional.empty();
                }
                out.write(n);
            }
        }
        return Optional.of(out.toByteArray());
    }
}
