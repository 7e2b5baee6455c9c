// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.Button;

/** The counter's physical buttons. A button that is not fitted never calls back. */
public interface Buttons {

    /**
     * From now on, each press of {@code button} runs {@code action} on the device's thread; an action that throws is
     * logged and the button keeps working.
     */
    void onPress(Button button, Runnable action);
}
