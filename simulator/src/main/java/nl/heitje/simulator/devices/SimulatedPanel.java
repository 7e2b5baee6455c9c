// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.pi4j.Pi4jPanel;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.port.Buttons;
import nl.heitje.terminal.port.Indicators;

/**
 * The counter's lights, buzzer and buttons in the simulator: the terminal's own {@link Pi4jPanel} on Pi4J's mock
 * pins. What it reports is read back from those pins, so it shows what the adapter really did to them: the lights
 * from the outputs' states, the beeps counted from the buzzer line's rising edges.
 */
public final class SimulatedPanel implements AutoCloseable {

    /** One pattern the buzzer played: its name, the beeps counted on the line, and when it ended. */
    public record Beep(String pattern, int pulses, Instant at) {
    }

    private final Context context;
    private final Pi4jPanel panel;
    private final Clock clock;
    private final List<Beep> beeps = new ArrayList<>();
    private BuzzerPattern playing;
    private int pulsesOfPlaying;

    private SimulatedPanel(Context context, GpioPins pins, Pi4jPanel.BuzzerTiming timing, Clock clock) {
        this.context = context;
        this.clock = clock;
        this.panel = new Pi4jPanel(context, pins, timing);
        pins.buttons().keySet().forEach(button -> mockButton(button).mockState(DigitalState.HIGH));
        output(Pi4jPanel.buzzerId()).ifPresent(buzzer -> buzzer.addListener(change -> {
            if (change.state() == DigitalState.HIGH) {
                countPulse();
            }
        }));
        panel.watchBuzzer(new Pi4jPanel.BuzzerWatcher() {
            @Override
            public void started(BuzzerPattern pattern) {
                startPattern(pattern);
            }

            @Override
            public void finished(BuzzerPattern pattern) {
                finishPattern(pattern);
            }
        });
    }

    /** A panel wired as {@code pins} say, beeping at the real buzzer's pace. */
    public static SimulatedPanel start(GpioPins pins, Clock clock) {
        return start(pins, Pi4jPanel.BuzzerTiming.STANDARD, clock);
    }

    public static SimulatedPanel start(GpioPins pins, Pi4jPanel.BuzzerTiming timing, Clock clock) {
        Context context = Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
        try {
            return new SimulatedPanel(context, pins, timing, clock);
        } catch (RuntimeException failed) {
            context.shutdown();
            throw failed;
        }
    }

    /** What the terminal drives: the lights, the buzzer and the relay. */
    public Indicators indicators() {
        return panel;
    }

    /** Where the terminal hears the buttons. */
    public Buttons buttons() {
        return panel;
    }

    /** Each light by colour ({@code blue}, {@code green}, {@code red}, {@code yellow}); one not fitted is off. */
    public Map<String, Boolean> leds() {
        Map<String, Boolean> leds = new LinkedHashMap<>();
        for (Led led : Led.values()) {
            leds.put(led.key(), output(Pi4jPanel.ledId(led)).map(DigitalOutput::isHigh).orElse(false));
        }
        return leds;
    }

    /** Whether the relay is closed now; false when none is fitted. */
    public boolean relayClosed() {
        return output(Pi4jPanel.relayId()).map(DigitalOutput::isHigh).orElse(false);
    }

    /** What the buzzer has played, oldest first. */
    public synchronized List<Beep> beeps() {
        return List.copyOf(beeps);
    }

    /**
     * Presses and releases the named button ({@code cancel}) on its mock line, so the adapter's own listener fires.
     *
     * @throws IllegalArgumentException for a name that is no button, or a button that is not fitted
     */
    public void press(String name) {
        Button button = buttonNamed(name);
        if (!context.registry().exists(Pi4jPanel.buttonId(button))) {
            throw new IllegalArgumentException("no " + button.key() + " button is fitted");
        }
        MockDigitalInput input = mockButton(button);
        input.mockState(DigitalState.LOW);
        input.mockState(DigitalState.HIGH);
    }

    private static Button buttonNamed(String name) {
        for (Button button : Button.values()) {
            if (button.key().equals(name)) {
                return button;
            }
        }
        throw new IllegalArgumentException("no button is called '" + name + "'");
    }

    private synchronized void startPattern(BuzzerPattern pattern) {
        playing = pattern;
        pulsesOfPlaying = 0;
    }

    private synchronized void countPulse() {
        if (playing != null) {
            pulsesOfPlaying++;
        }
    }

    private synchronized void finishPattern(BuzzerPattern pattern) {
        beeps.add(new Beep(pattern.key(), pulsesOfPlaying, clock.instant()));
        playing = null;
    }

    private MockDigitalInput mockButton(Button button) {
        return context.registry().get(Pi4jPanel.buttonId(button), MockDigitalInput.class);
    }

    private Optional<DigitalOutput> output(String id) {
        return context.registry().exists(id)
                ? Optional.of(context.registry().get(id, DigitalOutput.class))
                : Optional.empty();
    }

    @Override
    public void close() {
        panel.close();
        context.shutdown();
    }
}
