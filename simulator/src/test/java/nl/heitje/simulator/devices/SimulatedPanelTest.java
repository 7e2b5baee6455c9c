// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.pi4j.Pi4jPanel;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedPanelTest {
    private static final Token HEIT = new Token("HEIT", 31337,
            Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), "Heerlens Heitje", "1", 2);
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

    private final SimulatedPanel simulated = SimulatedPanel.start(GpioPins.standard().withRelay(16),
            new Pi4jPanel.BuzzerTiming(Duration.ofMillis(5), Duration.ofMillis(5)), Clock.fixed(NOW, ZoneOffset.UTC));
    private final IndicatorPanel panel = new IndicatorPanel(simulated.indicators(),
            new IndicatorPanel.Settings(Duration.ofHours(1), Optional.of(Duration.ofHours(1))), (delay, action) -> { });
    private long sequence;

    @AfterEach
    void close() {
        simulated.close();
    }

    @Test
    void theLightsAreReadFromTheMockPins() {
        assertEquals(Map.of("blue", false, "green", false, "red", false, "yellow", false), simulated.leds());

        panel.onEvent(event(SessionState.WAITING));
        panel.showOnline(false);

        assertEquals(Map.of("blue", true, "green", false, "red", false, "yellow", true), simulated.leds());
        assertEquals(List.of("blue", "green", "red", "yellow"), List.copyOf(simulated.leds().keySet()));
    }

    @Test
    void theBeepsArePatternsWithThePulsesCountedOnTheBuzzerLine() {
        panel.onEvent(event(SessionState.AWAITING_PIN));
        panel.onEvent(event(SessionState.DECLINED));
        panel.onEvent(event(SessionState.APPROVED));

        await(() -> simulated.beeps().size() == 3, () -> "three patterns, got " + simulated.beeps());
        assertEquals(List.of(new SimulatedPanel.Beep("pin_wanted", 2, NOW), new SimulatedPanel.Beep("declined", 3, NOW),
                new SimulatedPanel.Beep("approved", 1, NOW)), simulated.beeps());
        assertTrue(simulated.relayClosed(), "the approval closed the relay");
    }

    @Test
    void pressingCancelFiresTheAdaptersListener() {
        AtomicInteger cancels = new AtomicInteger();
        simulated.buttons().onPress(Button.CANCEL, cancels::incrementAndGet);

        simulated.press("cancel");
        simulated.press("cancel");

        await(() -> cancels.get() == 2, () -> "two cancels, got " + cancels.get());
    }

    @Test
    void anUnknownOrMissingButtonIsAClearRefusal() {
        assertThrows(IllegalArgumentException.class, () -> simulated.press("self-destruct"));
        try (SimulatedPanel bare = SimulatedPanel.start(GpioPins.none(), Clock.systemUTC())) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> bare.press("cancel"));
            assertTrue(refused.getMessage().contains("cancel"), refused.getMessage());
            assertFalse(bare.leds().containsValue(true));
        }
    }

    private static void await(BooleanSupplier condition, Supplier<String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + expected.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private PaymentEvent event(SessionState state) {
        Payment payment = Payment.waiting("p-1", "till-1", new Money(450, HEIT), Instant.EPOCH);
        return new PaymentEvent(++sequence, state, payment, OptionalInt.empty(), NOW);
    }
}
