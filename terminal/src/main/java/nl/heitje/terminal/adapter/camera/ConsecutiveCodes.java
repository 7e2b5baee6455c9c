// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import java.util.Optional;

/**
 * A code held in front of the camera is in thirty frames a second; it counts once. It counts again only after a
 * frame without it (no code, or another one): the customer took it away and showed it again.
 */
public final class ConsecutiveCodes {
    private String last;

    /** The code to hand on for this frame's decoded text, if it is a new sighting. */
    public Optional<String> onFrame(Optional<String> decoded) {
        if (decoded.isEmpty()) {
            last = null;
            return Optional.empty();
        }
        if (decoded.get().equals(last)) {
            return Optional.empty();
        }
        last = decoded.get();
        return decoded;
    }
}
