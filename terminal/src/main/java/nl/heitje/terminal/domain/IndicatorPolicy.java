// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the counter shows and sounds for each session state. Blue: a payment waits (and is being worked on);
 * green: approved; red: declined. Yellow is not a session light: it shows the terminal is offline and is left to
 * the connectivity side. An ended session's outcome light is held for a while and then the panel goes idle;
 * cancelled and expired sessions go idle at once, with no sound, as nobody is paying any more.
 */
public final class IndicatorPolicy {

    /** The lights a session may switch; yellow is never among them. */
    public static final Set<Led> SESSION_LEDS = Set.of(Led.BLUE, Led.GREEN, Led.RED);

    /**
     * One state's signals.
     *
     * @param lit           the session lights that are on (the others in {@link #SESSION_LEDS} are off)
     * @param sound         the pattern to play on entering the state, if any
     * @param pulseRelay    whether the door or tap relay opens
     * @param idleAfterHold whether the panel goes idle once the outcome has been shown for the configured hold
     */
    public record Signals(Set<Led> lit, Optional<BuzzerPattern> sound, boolean pulseRelay, boolean idleAfterHold) {
        public Signals {
            lit = Set.copyOf(lit);
        }
    }

    /** Nothing lit, nothing sounding: no payment. */
    public static final Signals IDLE = new Signals(Set.of(), Optional.empty(), false, false);

    private IndicatorPolicy() {
    }

    public static Signals signalsFor(SessionState state) {
        return switch (state) {
            case WAITING, READING_CARD, CHECKING -> new Signals(EnumSet.of(Led.BLUE), Optional.empty(), false, false);
            case AWAITING_PIN -> new Signals(EnumSet.of(Led.BLUE), Optional.of(BuzzerPattern.PIN_WANTED), false, false);
            case APPROVED -> new Signals(EnumSet.of(Led.GREEN), Optional.of(BuzzerPattern.APPROVED), true, true);
            case DECLINED -> new Signals(EnumSet.of(Led.RED), Optional.of(BuzzerPattern.DECLINED), false, true);
            case CANCELLED, EXPIRED -> IDLE;
        };
    }
}
