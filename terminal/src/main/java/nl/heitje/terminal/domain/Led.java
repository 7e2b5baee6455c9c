// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Locale;

/** The counter's four lights, named by their colour; what each colour means is {@link IndicatorPolicy}'s business. */
public enum Led {
    BLUE,
    GREEN,
    RED,
    YELLOW;

    /** The lower-case colour, as config keys and the simulator's answers spell it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
