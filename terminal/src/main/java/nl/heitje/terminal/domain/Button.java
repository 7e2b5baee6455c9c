// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Locale;

/** The counter's physical buttons. */
public enum Button {
    /** Cancels the payment that is waiting, as the till's cancel does. */
    CANCEL;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
