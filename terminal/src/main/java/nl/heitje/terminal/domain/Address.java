// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/** A 20-byte EVM account or contract address, held in canonical lower-case {@code 0x} hex. */
public record Address(String hex) {
    private static final Pattern FORM = Pattern.compile("0x[0-9a-f]{40}");

    public Address {
        if (hex == null || !FORM.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a canonical address: " + hex);
        }
    }

    /** Accepts any case (checksummed or not); rejects anything that is not 20 bytes of hex. */
    public static Address parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("address is missing");
        }
        return new Address(text.trim().toLowerCase(Locale.ROOT));
    }

    public static Address of(byte[] twentyBytes) {
        if (twentyBytes.length != 20) {
            throw new IllegalArgumentException("an address has 20 bytes, not " + twentyBytes.length);
        }
        return new Address(Hex.encode(twentyBytes));
    }

    public byte[] bytes() {
        return Hex.decode(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
