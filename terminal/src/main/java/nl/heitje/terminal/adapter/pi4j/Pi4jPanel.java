// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.port.Buttons;
import nl.heitje.terminal.port.Indicators;

/**
 * The counter's LEDs, active buzzer, relay and buttons on GPIO lines through Pi4J. Parts without a pin are not
 * created and their commands do nothing. Buzzer patterns play one after another on the buzzer's own thread and
 * the relay is released on its own timer, so no call waits for a pattern or a pulse. A write that fails is logged,
 * never thrown at the caller: a dead LED must not stop a payment.
 */
public final class Pi4jPanel implements Indicators, Buttons {
    private static final Logger LOG = Logger.getLogger(Pi4jPanel.class.getName());
    /** Long enough to swallow a cheap push button's bounce, short enough for no press to go unnoticed. */
    static final long DEBOUNCE_MILLIS = 30;
    private static final String BUZZER_ID = "buzzer";
    private static final String RELAY_ID = "relay";

    /** How long one beep sounds and how long the silence after it lasts. */
    public record BuzzerTiming(Duration beep, Duration pause) {
        public static final BuzzerTiming STANDARD = new BuzzerTiming(Duration.ofMillis(120), Duration.ofMillis(120));

        public BuzzerTiming {
            if (beep.isNegative() || beep.isZero() || pause.isNegative() || pause.isZero()) {
                throw new IllegalArgumentException("beep and pause must be positive");
            }
        }
    }

    /** Told when the buzzer starts and finishes a pattern, on the buzzer's thread, around the pin's own changes. */
    public interface BuzzerWatcher {
        void started(BuzzerPattern pattern);

        void finished(BuzzerPattern pattern);
    }

    private final Context context;
    private final boolean ownsContext;
    private final BuzzerTiming timing;
    private final Map<Led, DigitalOutput> leds = new EnumMap<>(Led.class);
    private final Optional<DigitalOutput> buzzer;
    private final Optional<DigitalOutput> relay;
    private final Map<Button, DigitalInput> buttons = new EnumMap<>(Button.class);
    private final ExecutorService buzzerThread;
    private final ScheduledExecutorService relayTimer;
    private final List<BuzzerWatcher> buzzerWatchers = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> relayRelease;

    /** A panel on {@code context}, which the caller keeps and shuts down. */
    public Pi4jPanel(Context context, GpioPins pins, BuzzerTiming timing) {
        this(context, false, pins, timing);
    }

    private Pi4jPanel(Context context, boolean ownsContext, GpioPins pins, BuzzerTiming timing) {
        this.context = Objects.requireNonNull(context, "context");
        this.ownsContext = ownsContext;
        this.timing = Objects.requireNonNull(timing, "timing");
        pins.leds().forEach((led, line) -> leds.put(led, output(ledId(led), line)));
        this.buzzer = optionalOutput(BUZZER_ID, pins.buzzer());
        this.relay = optionalOutput(RELAY_ID, pins.relay());
        pins.buttons().forEach((button, line) -> buttons.put(button, input(buttonId(button), line)));
        this.buzzerThread = Executors.newSingleThreadExecutor(daemon("gpio-buzzer"));
        this.relayTimer = Executors.newSingleThreadScheduledExecutor(daemon("gpio-relay"));
    }

    /**
     * The panel on a real Pi: a Pi4J context built from the gpiod providers alone. Nothing is auto-detected, so no
     * other plugin on the class path (the mock one least of all) can take the pins over. gpiod finds the header's
     * chip by its {@code pinctrl} label, so BCM numbers mean the same lines on a Pi 4, a Pi 5 and a Zero 2 W.
     */
    public static Pi4jPanel onThePi(GpioPins pins) {
        Context context = gpiodContext();
        try {
            return new Pi4jPanel(context, true, pins, BuzzerTiming.STANDARD);
        } catch (RuntimeException failed) {
            context.shutdown();
            throw failed;
        }
    }

    static Context gpiodContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance())
                .build();
    }

    /** The Pi4J id of an LED's output, e.g. {@code led-green}. */
    public static String ledId(Led led) {
        return "led-" + led.key();
    }

    public static String buzzerId() {
        return BUZZER_ID;
    }

    public static String relayId() {
        return RELAY_ID;
    }

    public static String buttonId(Button button) {
        return "button-" + button.key();
    }

    public void watchBuzzer(BuzzerWatcher watcher) {
        buzzerWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    @Override
    public void setLed(Led led, boolean on) {
        DigitalOutput output = leds.get(led);
        if (output != null) {
            write(output, on);
        }
    }

    @Override
    public void play(BuzzerPattern pattern) {
        buzzer.ifPresent(output -> {
            try {
                buzzerThread.execute(() -> sound(output, pattern));
            } catch (RejectedExecutionException closed) {
                LOG.fine(() -> "the panel is closed; not playing " + pattern.key());
            }
        });
    }

    @Override
    public synchronized void pulseRelay(Duration length) {
        if (relay.isEmpty() || relayTimer.isShutdown()) {
            return;
        }
        DigitalOutput output = relay.get();
        if (relayRelease != null) {
            relayRelease.cancel(false);
        }
        write(output, true);
        // A second approval while the door is open keeps it open for the whole new pulse.
        relayRelease = relayTimer.schedule(() -> write(output, false), length.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onPress(Button button, Runnable action) {
        DigitalInput input = buttons.get(button);
        if (input == null) {
            return;
        }
        input.addListener(change -> {
            // Wired to ground with a pull-up: the line falls when pressed.
            if (change.state() == DigitalState.LOW) {
                try {
                    action.run();
                } catch (RuntimeException fault) {
                    LOG.log(Level.WARNING, "the " + button.key() + " button's action failed", fault);
                }
            }
        });
    }

    private void sound(DigitalOutput output, BuzzerPattern pattern) {
        buzzerWatchers.forEach(watcher -> watcher.started(pattern));
        try {
            for (int beep = 0; beep < pattern.beeps(); beep++) {
                write(output, true);
                Thread.sleep(timing.beep().toMillis());
                write(output, false);
                Thread.sleep(timing.pause().toMillis());
            }
        } catch (InterruptedException closing) {
            write(output, false);
            Thread.currentThread().interrupt();
        } finally {
            buzzerWatchers.forEach(watcher -> watcher.finished(pattern));
        }
    }

    private static void write(DigitalOutput output, boolean high) {
        try {
            output.state(high ? DigitalState.HIGH : DigitalState.LOW);
        } catch (RuntimeException fault) {
            LOG.log(Level.WARNING, "could not switch " + output.id() + (high ? " on" : " off"), fault);
        }
    }

    private Optional<DigitalOutput> optionalOutput(String id, OptionalInt line) {
        return line.isPresent() ? Optional.of(output(id, line.getAsInt())) : Optional.empty();
    }

    private DigitalOutput output(String id, int line) {
        return context.create(DigitalOutput.newConfigBuilder(context)
                .id(id)
                .name(id + " (GPIO " + line + ")")
                .address(line)
                .initial(DigitalState.LOW)
                .shutdown(DigitalState.LOW));
    }

    private DigitalInput input(String id, int line) {
        return context.create(DigitalInput.newConfigBuilder(context)
                .id(id)
                .name(id + " (GPIO " + line + ")")
                .address(line)
                .pull(PullResistance.PULL_UP)
                .debounce(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS));
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the buzzer and the relay timer and leaves every output off; shuts the context down if it made it. */
    @Override
    public void close() {
        buzzerThread.shutdownNow();
        relayTimer.shutdownNow();
        leds.values().forEach(output -> write(output, false));
        buzzer.ifPresent(output -> write(output, false));
        relay.ifPresent(output -> write(output, false));
        if (ownsContext) {
            try {
                context.shutdown();
            } catch (RuntimeException fault) {
                LOG.log(Level.WARNING, "the GPIO context did not shut down cleanly", fault);
            }
        }
    }
}
