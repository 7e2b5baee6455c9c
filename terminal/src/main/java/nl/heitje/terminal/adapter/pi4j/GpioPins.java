// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.pi4j;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.Led;

/**
 * Which BCM GPIO line each part of the counter is wired to. A part without a line is not fitted: its output or
 * input is simply not created.
 */
public record GpioPins(Map<Led, Integer> leds, OptionalInt buzzer, OptionalInt relay, Map<Button, Integer> buttons) {
    // The 40-pin header brings out BCM 0..27 on every Pi from the B+ on, the Pi 5 and the Zero 2 W included.
    private static final int HIGHEST_HEADER_LINE = 27;

    public GpioPins {
        leds = Map.copyOf(leds);
        buttons = Map.copyOf(buttons);
        Objects.requireNonNull(buzzer, "buzzer");
        Objects.requireNonNull(relay, "relay");
        Map<Integer, String> users = new HashMap<>();
        leds.forEach((led, line) -> claim(users, line, "led " + led.key()));
        buzzer.ifPresent(line -> claim(users, line, "buzzer"));
        relay.ifPresent(line -> claim(users, line, "relay"));
        buttons.forEach((button, line) -> claim(users, line, "button " + button.key()));
    }

    /** The pins a terminal's config names ({@code gpio.*}). */
    public static GpioPins from(nl.heitje.config.TerminalConfig.Gpio config) {
        Map<Led, Integer> leds = new EnumMap<>(Led.class);
        config.greenLed().ifPresent(line -> leds.put(Led.GREEN, line));
        config.redLed().ifPresent(line -> leds.put(Led.RED, line));
        config.blueLed().ifPresent(line -> leds.put(Led.BLUE, line));
        config.yellowLed().ifPresent(line -> leds.put(Led.YELLOW, line));
        Map<Button, Integer> buttons = new EnumMap<>(Button.class);
        config.cancelButton().ifPresent(line -> buttons.put(Button.CANCEL, line));
        return new GpioPins(leds, config.buzzer().map(OptionalInt::of).orElse(OptionalInt.empty()),
                config.relay().map(OptionalInt::of).orElse(OptionalInt.empty()), buttons);
    }

    /** Nothing fitted. */
    public static GpioPins none() {
        return new GpioPins(Map.of(), OptionalInt.empty(), OptionalInt.empty(), Map.of());
    }

    /** The wiring of docs/hardware.md: four LEDs, a buzzer, a cancel button, and no relay. */
    public static GpioPins standard() {
        Map<Led, Integer> leds = new EnumMap<>(Led.class);
        leds.put(Led.GREEN, 17);
        leds.put(Led.RED, 27);
        leds.put(Led.BLUE, 22);
        leds.put(Led.YELLOW, 23);
        return new GpioPins(leds, OptionalInt.of(24), OptionalInt.empty(), Map.of(Button.CANCEL, 25));
    }

    public GpioPins withRelay(int line) {
        return new GpioPins(leds, buzzer, OptionalInt.of(line), buttons);
    }

    public GpioPins withoutBuzzer() {
        return new GpioPins(leds, OptionalInt.empty(), relay, buttons);
    }

    public GpioPins withoutLed(Led led) {
        Map<Led, Integer> fewer = new EnumMap<>(Led.class);
        fewer.putAll(leds);
        fewer.remove(led);
        return new GpioPins(fewer, buzzer, relay, buttons);
    }

    private static void claim(Map<Integer, String> users, Integer line, String part) {
        Objects.requireNonNull(line, part);
        if (line < 0 || line > HIGHEST_HEADER_LINE) {
            throw new IllegalArgumentException(part + " is on GPIO " + line + ", but the header has GPIO 0.."
                    + HIGHEST_HEADER_LINE);
        }
        String earlier = users.putIfAbsent(line, part);
        if (earlier != null) {
            throw new IllegalArgumentException(part + " and " + earlier + " are both on GPIO " + line);
        }
    }
}
