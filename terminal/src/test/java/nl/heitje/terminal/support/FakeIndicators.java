// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.port.Indicators;

/** Indicators that remember every command: the lights as they stand, and what was played and pulsed. */
public final class FakeIndicators implements Indicators {
    public final Map<Led, Boolean> leds = new EnumMap<>(Led.class);
    public final List<BuzzerPattern> played = new ArrayList<>();
    public final List<Duration> relayPulses = new ArrayList<>();
    public final List<String> commands = new ArrayList<>();

    @Override
    public void setLed(Led led, boolean on) {
        leds.put(led, on);
        commands.add(led.key() + (on ? " on" : " off"));
    }

    @Override
    public void play(BuzzerPattern pattern) {
        played.add(pattern);
        commands.add("play " + pattern.key());
    }

    @Override
    public void pulseRelay(Duration length) {
        relayPulses.add(length);
        commands.add("relay " + length.toMillis() + "ms");
    }

    public boolean lit(Led led) {
        return leds.getOrDefault(led, false);
    }

    @Override
    public void close() {
        leds.replaceAll((led, on) -> false);
    }
}
