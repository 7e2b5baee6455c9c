// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import nl.heitje.terminal.domain.BuzzerPattern;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.support.FakeIndicators;
import org.junit.jupiter.api.Test;

class IndicatorPanelTest {
    private static final Duration HOLD = Duration.ofSeconds(3);
    private static final Duration RELAY = Duration.ofMillis(1500);

    private final FakeIndicators indicators = new FakeIndicators();
    private final List<Duration> holdDelays = new ArrayList<>();
    private final List<Runnable> holdsPending = new ArrayList<>();
    private final IndicatorPanel panel = new IndicatorPanel(indicators,
            new IndicatorPanel.Settings(HOLD, Optional.of(RELAY)),
            (delay, action) -> {
                holdDelays.add(delay);
                holdsPending.add(action);
            });
    private long sequence;

    @Test
    void aWaitingPaymentLightsBlueAlone() {
        panel.onEvent(event(SessionState.WAITING));

        assertEquals(List.of(Led.BLUE), litLeds());
        assertTrue(indicators.played.isEmpty());
    }

    @Test
    void anApprovalLightsGreenBeepsOncePulsesTheRelayAndGoesIdleAfterTheHold() {
        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.CHECKING));
        panel.onEvent(event(SessionState.APPROVED));

        assertEquals(List.of(Led.GREEN), litLeds());
        assertEquals(List.of(BuzzerPattern.APPROVED), indicators.played);
        assertEquals(1, BuzzerPattern.APPROVED.beeps());
        assertEquals(List.of(RELAY), indicators.relayPulses);
        assertEquals(List.of(HOLD), holdDelays);

        endHolds();
        assertEquals(List.of(), litLeds());
    }

    @Test
    void aDeclineLightsRedBeepsThreeTimesAndOpensNoRelay() {
        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.DECLINED));

        assertEquals(List.of(Led.RED), litLeds());
        assertEquals(List.of(BuzzerPattern.DECLINED), indicators.played);
        assertEquals(3, BuzzerPattern.DECLINED.beeps());
        assertTrue(indicators.relayPulses.isEmpty());

        endHolds();
        assertEquals(List.of(), litLeds());
    }

    @Test
    void aCardAskingForItsPinBeepsTwiceAndStaysBlue() {
        panel.onEvent(event(SessionState.READING_CARD));
        panel.onEvent(event(SessionState.AWAITING_PIN));

        assertEquals(List.of(Led.BLUE), litLeds());
        assertEquals(List.of(BuzzerPattern.PIN_WANTED), indicators.played);
        assertEquals(2, BuzzerPattern.PIN_WANTED.beeps());
    }

    @Test
    void aNewPaymentDuringTheHoldIsNotSwitchedOffWhenTheHoldEnds() {
        panel.onEvent(event(SessionState.DECLINED));
        panel.onEvent(event(SessionState.WAITING));

        endHolds();

        assertEquals(List.of(Led.BLUE), litLeds());
    }

    @Test
    void cancelledAndExpiredSessionsGoIdleAtOnceAndSilently() {
        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.CANCELLED));
        assertEquals(List.of(), litLeds());

        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.EXPIRED));
        assertEquals(List.of(), litLeds());

        assertTrue(indicators.played.isEmpty());
        assertTrue(holdDelays.isEmpty());
    }

    @Test
    void theOutcomeLightNeverSharesTheMomentWithTheWaitingLight() {
        panel.onEvent(event(SessionState.WAITING));
        indicators.commands.clear();

        panel.onEvent(event(SessionState.APPROVED));

        assertTrue(indicators.commands.indexOf("blue off") < indicators.commands.indexOf("green on"),
                indicators.commands.toString());
    }

    @Test
    void yellowIsOnWhileOfflineAndSwitchedOnlyWhenTheStateChanges() {
        panel.showOnline(false);
        assertTrue(indicators.lit(Led.YELLOW));
        panel.showOnline(false);
        panel.showOnline(false);
        panel.showOnline(true);
        panel.showOnline(true);

        assertFalse(indicators.lit(Led.YELLOW));
        assertEquals(List.of("yellow on", "yellow off"),
                indicators.commands.stream().filter(command -> command.startsWith("yellow")).toList());
    }

    @Test
    void paymentsDoNotTouchTheOfflineLight() {
        panel.showOnline(false);
        panel.onEvent(event(SessionState.WAITING));
        panel.onEvent(event(SessionState.APPROVED));
        endHolds();

        assertEquals(List.of(Led.YELLOW), litLeds());
    }

    @Test
    void withoutARelayPulseAnApprovalPulsesNothing() {
        FakeIndicators quiet = new FakeIndicators();
        IndicatorPanel noRelay = new IndicatorPanel(quiet, new IndicatorPanel.Settings(HOLD, Optional.empty()),
                (delay, action) -> { });

        noRelay.onEvent(event(SessionState.APPROVED));

        assertTrue(quiet.relayPulses.isEmpty());
        assertTrue(quiet.lit(Led.GREEN));
    }

    private void endHolds() {
        List<Runnable> due = new ArrayList<>(holdsPending);
        holdsPending.clear();
        due.forEach(Runnable::run);
    }

    private List<Led> litLeds() {
        return List.of(Led.values()).stream().filter(indicators::lit).toList();
    }

    private PaymentEvent event(SessionState state) {
        Payment payment = Payment.waiting("p-1", "till-1", new Money(450, HEIT), Instant.EPOCH);
        return new PaymentEvent(++sequence, state, payment, OptionalInt.empty(), Instant.EPOCH);
    }
}
