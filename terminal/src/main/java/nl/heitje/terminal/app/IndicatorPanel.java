// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.IndicatorPolicy;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.port.Indicators;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * Drives the counter's lights, buzzer and relay from the payment events ({@link IndicatorPolicy} says what each
 * state shows) and from the terminal's connectivity (yellow while offline). An outcome light is held for
 * {@code outcomeHold} and then the panel goes idle, unless a newer event has taken over meanwhile.
 */
public final class IndicatorPanel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IndicatorPanel.class.getName());

    /** Runs an action once after a delay; lets tests decide when the hold is over. */
    @FunctionalInterface
    public interface Timer {
        void after(Duration delay, Runnable action);
    }

    /**
     * @param outcomeHold how long the approved or declined light stays before the panel goes idle
     * @param relayPulse  how long the relay closes on an approval; empty when no relay is wanted
     */
    public record Settings(Duration outcomeHold, Optional<Duration> relayPulse) {
        public Settings {
            Objects.requireNonNull(outcomeHold, "outcomeHold");
            Objects.requireNonNull(relayPulse, "relayPulse");
            if (outcomeHold.isNegative()) {
                throw new IllegalArgumentException("outcomeHold must not be negative");
            }
            if (relayPulse.isPresent() && (relayPulse.get().isNegative() || relayPulse.get().isZero())) {
                throw new IllegalArgumentException("relayPulse must be positive");
            }
        }
    }

    private final Indicators indicators;
    private final Settings settings;
    private final Timer timer;
    private final Runnable onClose;
    // Each shown state gets a number; a hold that ends after a newer state was shown leaves that state alone.
    private long shown;
    private Boolean online;

    public IndicatorPanel(Indicators indicators, Settings settings, Timer timer) {
        this(indicators, settings, timer, () -> { });
    }

    private IndicatorPanel(Indicators indicators, Settings settings, Timer timer, Runnable onClose) {
        this.indicators = Objects.requireNonNull(indicators, "indicators");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.onClose = onClose;
        showSessionLights(IndicatorPolicy.IDLE);
    }

    /** A panel with its own daemon timer thread for the holds, stopped by {@link #close()}. */
    public static IndicatorPanel withOwnTimer(Indicators indicators, Settings settings) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "indicator-hold");
            thread.setDaemon(true);
            return thread;
        });
        Timer timer = (delay, action) -> scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        return new IndicatorPanel(indicators, settings, timer, scheduler::shutdownNow);
    }

    /** Subscribes the panel to the payment events. */
    public void listenTo(PaymentEvents events) {
        events.subscribe(this::onEvent);
    }

    public synchronized void onEvent(PaymentEvent event) {
        IndicatorPolicy.Signals signals = IndicatorPolicy.signalsFor(event.state());
        long number = ++shown;
        showSessionLights(signals);
        signals.sound().ifPresent(indicators::play);
        if (signals.pulseRelay()) {
            settings.relayPulse().ifPresent(indicators::pulseRelay);
        }
        if (signals.idleAfterHold()) {
            timer.after(settings.outcomeHold(), () -> idleIfStillShowing(number));
        }
    }

    /** Called on every connectivity probe; the yellow light follows, switched only when the state changes. */
    public synchronized void showOnline(boolean nowOnline) {
        if (online == null || online != nowOnline) {
            online = nowOnline;
            indicators.setLed(Led.YELLOW, !nowOnline);
        }
    }

    private synchronized void idleIfStillShowing(long number) {
        if (shown == number) {
            try {
                showSessionLights(IndicatorPolicy.IDLE);
            } catch (RuntimeException fault) {
                LOG.log(Level.WARNING, "the panel could not go idle", fault);
            }
        }
    }

    private void showSessionLights(IndicatorPolicy.Signals signals) {
        // Off first, then on: two lights never show at once, even for a moment.
        for (Led led : IndicatorPolicy.SESSION_LEDS) {
            if (!signals.lit().contains(led)) {
                indicators.setLed(led, false);
            }
        }
        for (Led led : signals.lit()) {
            indicators.setLed(led, true);
        }
    }

    @Override
    public void close() {
        onClose.run();
    }
}
