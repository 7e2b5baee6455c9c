// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.pi4j;

import static nl.heitje.terminal.support.Eventually.await;
import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter on Pi4J's own mock platform: real Pi4J outputs and inputs, with no Pi under them. */
class Pi4jPanelTest {
    private static final int RELAY_LINE = 16;
    private static final Pi4jPanel.BuzzerTiming QUICK =
            new Pi4jPanel.BuzzerTiming(Duration.ofMillis(5), Duration.ofMillis(5));

    private final Context context = Pi4J.newContextBuilder()
            .noAutoDetect()
            .add(new MockPlatform())
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
            .build();
    private final List<Pi4jPanel> panels = new ArrayList<>();
    private long sequence;

    @AfterEach
    void shutDown() {
        panels.forEach(Pi4jPanel::close);
        context.shutdown();
    }

    @Test
    void theLightsFollowWaitingApprovedDeclinedAndOffline() {
        Pi4jPanel gpio = panel(GpioPins.standard());
        IndicatorPanel panel = new IndicatorPanel(gpio, new IndicatorPanel.Settings(Duration.ofHours(1),
                Optional.empty()), (delay, action) -> { });

        panel.onEvent(event(SessionState.WAITING));
        assertEquals(List.of(Led.BLUE), lit());

        panel.onEvent(event(SessionState.APPROVED));
        assertEquals(List.of(Led.GREEN), lit());

        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.DECLINED));
        assertEquals(List.of(Led.RED), lit());

        panel.showOnline(false);
        assertEquals(List.of(Led.RED, Led.YELLOW), lit());
        panel.showOnline(true);
        assertEquals(List.of(Led.RED), lit());
    }

    @Test
    void eachPatternSoundsItsNumberOfBeepsOnTheBuzzerLine() {
        Pi4jPanel gpio = panel(GpioPins.standard());
        DigitalOutput buzzer = output(Pi4jPanel.buzzerId());
        AtomicInteger risingEdges = new AtomicInteger();
        buzzer.addListener(change -> {
            if (change.state() == DigitalState.HIGH) {
                risingEdges.incrementAndGet();
            }
        });
        List<String> finished = new ArrayList<>();
        gpio.watchBuzzer(new Pi4jPanel.BuzzerWatcher() {
            @Override
            public void started(BuzzerPattern pattern) {
            }

            @Override
            public synchronized void finished(BuzzerPattern pattern) {
                finished.add(pattern.key() + "=" + risingEdges.get());
            }
        });

        gpio.play(BuzzerPattern.APPROVED);
        gpio.play(BuzzerPattern.DECLINED);
        gpio.play(BuzzerPattern.PIN_WANTED);

        await(() -> snapshot(finished).size() == 3, () -> "three patterns, got " + snapshot(finished));
        // Cumulative edges at each pattern's end: 1, then 1 + 3, then 1 + 3 + 2.
        assertEquals(List.of("approved=1", "declined=4", "pin_wanted=6"), snapshot(finished));
        assertFalse(buzzer.isHigh(), "the buzzer is silent after the patterns");
    }

    @Test
    void playingReturnsBeforeThePatternHasSounded() {
        Pi4jPanel gpio = new Pi4jPanel(context, GpioPins.standard(),
                new Pi4jPanel.BuzzerTiming(Duration.ofHours(1), Duration.ofMillis(1)));
        panels.add(gpio);

        gpio.play(BuzzerPattern.DECLINED);

        // The caller is back while the first beep of an hour is still sounding on the buzzer's thread.
        await(() -> output(Pi4jPanel.buzzerId()).isHigh(), () -> "the first beep");
    }

    @Test
    void anApprovalPulsesTheRelayAndReleasesIt() {
        Pi4jPanel gpio = panel(GpioPins.standard().withRelay(RELAY_LINE));
        DigitalOutput relay = output(Pi4jPanel.relayId());
        List<DigitalState> relayStates = new ArrayList<>();
        relay.addListener(change -> {
            synchronized (relayStates) {
                relayStates.add(change.state());
            }
        });
        IndicatorPanel panel = new IndicatorPanel(gpio, new IndicatorPanel.Settings(Duration.ofHours(1),
                Optional.of(Duration.ofMillis(20))), (delay, action) -> { });

        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.APPROVED));

        await(() -> snapshot(relayStates).size() == 2, () -> "closed and released, got " + snapshot(relayStates));
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW), snapshot(relayStates));
    }

    @Test
    void aDeclineDoesNotTouchTheRelay() {
        Pi4jPanel gpio = panel(GpioPins.standard().withRelay(RELAY_LINE));
        IndicatorPanel panel = new IndicatorPanel(gpio, new IndicatorPanel.Settings(Duration.ofHours(1),
                Optional.of(Duration.ofMillis(20))), (delay, action) -> { });

        panel.onEvent(event(SessionState.DECLINED));

        assertFalse(output(Pi4jPanel.relayId()).isHigh());
    }

    @Test
    void pressingCancelReachesTheCallbackOncePerPress() {
        Pi4jPanel gpio = panel(GpioPins.standard());
        AtomicInteger cancels = new AtomicInteger();
        gpio.onPress(Button.CANCEL, cancels::incrementAndGet);
        MockDigitalInput button = context.registry().get(Pi4jPanel.buttonId(Button.CANCEL), MockDigitalInput.class);

        press(button);
        press(button);

        await(() -> cancels.get() == 2, () -> "two cancels, got " + cancels.get());
    }

    @Test
    void aFailingButtonActionIsLoggedAndTheButtonKeepsWorking() {
        Pi4jPanel gpio = panel(GpioPins.standard());
        AtomicInteger calls = new AtomicInteger();
        gpio.onPress(Button.CANCEL, () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("no payment waiting");
        });
        MockDigitalInput button = context.registry().get(Pi4jPanel.buttonId(Button.CANCEL), MockDigitalInput.class);

        press(button);
        press(button);

        await(() -> calls.get() == 2, () -> "both presses, got " + calls.get());
    }

    @Test
    void theButtonIsPulledUpAndDebounced() {
        panel(GpioPins.standard());
        DigitalInput button = context.registry().get(Pi4jPanel.buttonId(Button.CANCEL), DigitalInput.class);

        assertEquals(com.pi4j.io.gpio.digital.PullResistance.PULL_UP, button.config().pull());
        assertEquals(Pi4jPanel.DEBOUNCE_MILLIS * 1000, button.config().debounce());
    }

    @Test
    void aPartWithoutAPinIsSimplyAbsent() {
        Pi4jPanel gpio = panel(GpioPins.standard().withoutBuzzer().withoutLed(Led.YELLOW));

        gpio.setLed(Led.YELLOW, true);
        gpio.play(BuzzerPattern.DECLINED);
        gpio.pulseRelay(Duration.ofMillis(10));
        gpio.setLed(Led.GREEN, true);

        assertFalse(context.registry().exists(Pi4jPanel.ledId(Led.YELLOW)));
        assertFalse(context.registry().exists(Pi4jPanel.buzzerId()));
        assertFalse(context.registry().exists(Pi4jPanel.relayId()));
        assertTrue(output(Pi4jPanel.ledId(Led.GREEN)).isHigh());
    }

    @Test
    void nothingFittedIsAPanelThatDoesNothing() {
        Pi4jPanel gpio = panel(GpioPins.none());
        AtomicInteger presses = new AtomicInteger();

        gpio.onPress(Button.CANCEL, presses::incrementAndGet);
        gpio.setLed(Led.GREEN, true);

        assertTrue(context.registry().all().isEmpty());
    }

    @Test
    void closingLeavesEveryOutputOff() {
        Pi4jPanel gpio = panel(GpioPins.standard().withRelay(RELAY_LINE));
        gpio.setLed(Led.RED, true);
        gpio.pulseRelay(Duration.ofHours(1));

        gpio.close();

        assertFalse(output(Pi4jPanel.ledId(Led.RED)).isHigh());
        assertFalse(output(Pi4jPanel.relayId()).isHigh());

        gpio.play(BuzzerPattern.APPROVED);
        gpio.pulseRelay(Duration.ofHours(1));
        assertFalse(output(Pi4jPanel.relayId()).isHigh(), "a closed panel stays off");
    }

    @Test
    void twoPartsOnOneLineAreRefusedBeforeAnyPinIsTouched() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new GpioPins(Map.of(Led.GREEN, 17, Led.RED, 17), OptionalInt.empty(), OptionalInt.empty(),
                        Map.of()));
        assertTrue(refused.getMessage().contains("GPIO 17"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpioPins.standard().withRelay(40));
    }

    /** The mock line has no pull-up of its own: it is released (high) before the press pulls it to ground. */
    private static void press(MockDigitalInput button) {
        button.mockState(DigitalState.HIGH);
        button.mockState(DigitalState.LOW);
        button.mockState(DigitalState.HIGH);
    }

    @Test
    void theProductionContextHasTheGpiodProvidersOnlyThoughTheMockPluginIsOnThisClassPath() throws Exception {
        Class.forName("com.pi4j.plugin.mock.MockPlugin");

        Context production = Pi4jPanel.gpiodContext();
        try {
            assertEquals(Set.of(GpioDDigitalInputProvider.ID, GpioDDigitalOutputProvider.ID),
                    production.providers().all().keySet());
            assertTrue(production.platforms().all().isEmpty(), "no platform, so no mock platform either");
        } finally {
            production.shutdown();
        }
    }

    private Pi4jPanel panel(GpioPins pins) {
        Pi4jPanel panel = new Pi4jPanel(context, pins, QUICK);
        panels.add(panel);
        return panel;
    }

    private DigitalOutput output(String id) {
        return context.registry().get(id, DigitalOutput.class);
    }

    private List<Led> lit() {
        List<Led> lit = new ArrayList<>();
        for (Led led : Led.values()) {
            if (context.registry().exists(Pi4jPanel.ledId(led)) && output(Pi4jPanel.ledId(led)).isHigh()) {
                lit.add(led);
            }
        }
        return lit;
    }

    private static <T> List<T> snapshot(List<T> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    private PaymentEvent event(SessionState state) {
        Payment payment = Payment.waiting("p-1", "till-1", new Money(450, HEIT), Instant.EPOCH);
        return new PaymentEvent(++sequence, state, payment, OptionalInt.empty(), Instant.EPOCH);
    }
}
