// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What the buzzer says, told apart by the number of short beeps: a customer who does not look at the lights still
 * hears whether to walk away (one), key a PIN (two) or try again (three).
 */
public enum BuzzerPattern {
    APPROVED(1),
    PIN_WANTED(2),
    DECLINED(3);

    private final int beeps;

    BuzzerPattern(int beeps) {
        this.beeps = beeps;
    }

    public int beeps() {
        return beeps;
    }

    /** The lower-case name, as the simulator reports it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BuzzerPattern> withBeeps(int beeps) {
        for (BuzzerPattern pattern : values()) {
            if (pattern.beeps == beeps) {
                return Optional.of(pattern);
            }
        }
        return Optional.empty();
    }
}
