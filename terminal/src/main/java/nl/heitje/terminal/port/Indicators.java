// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Duration;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;

/**
 * The counter's lights, buzzer and relay. Every call returns at once: a pattern plays and a relay pulse ends on
 * the device's own time, never on the caller's. A device that is not fitted simply does nothing.
 */
public interface Indicators extends AutoCloseable {

    void setLed(Led led, boolean on);

    /** Starts the pattern after whatever is playing now. */
    void play(BuzzerPattern pattern);

    /** Closes the relay (opens the door, pours the tap) for {@code length}, then opens it again. */
    void pulseRelay(Duration length);

    /** Leaves every output off. */
    @Override
    void close();
}
