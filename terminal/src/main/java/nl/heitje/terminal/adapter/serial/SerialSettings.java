// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import java.util.Locale;

/** Line settings of a serial-mode scanner; most ship at 9600 baud, 8 data bits, no parity, one stop bit. */
public record SerialSettings(int baud, int dataBits, int stopBits, Parity parity) {
    public enum Parity { NONE, ODD, EVEN }

    public SerialSettings {
        if (baud < 50 || baud > 4_000_000) {
            throw new IllegalArgumentException("baud out of range: " + baud);
        }
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits must be 5 to 8: " + dataBits);
        }
        if (stopBits != 1 && stopBits != 2) {
            throw new IllegalArgumentException("stop bits must be 1 or 2: " + stopBits);
        }
    }

    public static SerialSettings defaults() {
        return new SerialSettings(9600, 8, 1, Parity.NONE);
    }

    /** {@code none}, {@code odd} or {@code even}, as configured. */
    public static Parity parity(String configured) {
        try {
            return Parity.valueOf(configured.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("parity must be none, odd or even, not '" + configured + "'");
        }
    }
}
