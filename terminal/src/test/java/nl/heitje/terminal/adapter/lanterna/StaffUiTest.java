// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Sale;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every staff screen, drawn on Lanterna's virtual terminal at the smallest size it supports (60×20). */
class StaffUiTest {
    private static final Token HEIT = new Token("HEIT", 31337,
            Address.parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"), "Heitje", "1", 6);
    private static final Address PAYER = Address.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static final Instant NOW = Instant.parse("2026-11-28T15:00:00Z");
    private static final int TEST_ITERATIONS = 1000;

    private final FakeCounter counter = new FakeCounter();
    private DefaultVirtualTerminal terminal;
    private StaffUiModel model;
    private LanternaStaffUi ui;
    private StaffStatus status = new StaffStatus(Map.of(31337L, true), 2, List.of());

    @BeforeEach
    void open() {
        terminal = new DefaultVirtualTerminal(new TerminalSize(60, 20));
        StaffPins pins = new StaffPins(List.of(
                new StaffPins.Member("anna", StaffPins.Role.STAFF, StaffPins.hash("1111", new byte[16], TEST_ITERATIONS)),
                new StaffPins.Member("bob", StaffPins.Role.MANAGER, StaffPins.hash("9999", new byte[16], TEST_ITERATIONS))),
                3, Duration.ofMinutes(5));
        model = new StaffUiModel(counter, pins, "en", List.of(
                new StaffUiModel.Preset(1, "Pils", new Euros(280), Optional.of("food")),
                new StaffUiModel.Preset(2, "Cola", new Euros(250), Optional.empty())),
                Clock.fixed(NOW, ZoneOffset.UTC));
        ui = new LanternaStaffUi(terminal, model, () -> status, ZoneOffset.UTC);
        ui.open();
    }

    @Test
    void signsInWithAStaffPinThatIsNeverShown() throws IOException {
        step();
        assertTrue(screenText().contains("Sign in"), screenText());
        type("1111");
        step();
        assertTrue(screenText().contains("PIN: ****"), screenText());
        assertFalse(screenText().contains("1111"));
        press(KeyType.Enter);
        assertTrue(screenText().contains("Amount"), screenText());
        assertTrue(screenText().contains("anna"));
    }

    @Test
    void locksSignInAfterRepeatedWrongPins() throws IOException {
        for (int i = 0; i < 2; i++) {
            type("0000");
            press(KeyType.Enter);
        }
        assertTrue(screenText().contains("1 tries left"), screenText());
        type("0000");
        press(KeyType.Enter);
        assertTrue(screenText().contains("Locked"), screenText());
        type("1111");
        press(KeyType.Enter);
        assertTrue(screenText().contains("Locked"), "even the right PIN waits out the lock: " + screenText());
        assertEquals(StaffUiModel.Screen.SIGN_IN, model.screen());
    }

    @Test
    void keysAnAmountAndRequestsIt() throws IOException {
        signedIn();
        type("4.505");
        step();
        assertTrue(screenText().contains("EUR 4.50_"), "a third decimal is refused: " + screenText());
        press(KeyType.Backspace);
        press(KeyType.Enter);
        assertEquals(new Euros(450), counter.requested.get(0));
        assertTrue(screenText().contains("Present card or QR"), screenText());
        assertTrue(screenText().contains("EUR 4.50"));
    }

    @Test
    void presetsMakeABasketThatAddsUpToTheSale() throws IOException {
        signedIn();
        type("*1*1*2");
        step();
        assertTrue(screenText().contains("2 x Pils"), screenText());
        assertTrue(screenText().contains("Total: EUR 8.10"), screenText());
        press(KeyType.Enter);
        assertEquals(new Euros(810), counter.requested.get(0));
        assertEquals(new Basket(List.of(new Basket.Line("food", new Euros(560)),
                new Basket.Line(StaffUiModel.UNCATEGORISED, new Euros(250)))), counter.baskets.get(0));
    }

    @Test
    void cancelsTheWaitingPayment() throws IOException {
        signedIn();
        type("3");
        press(KeyType.Enter);
        press(KeyType.Escape);
        assertEquals(1, counter.cancels);
        event(SessionState.CANCELLED, counter.last.cancel(NOW));
        assertTrue(screenText().contains("CANCELLED"), screenText());
    }

    @Test
    void aKeypadsMinusCancelsLikeEscape() throws IOException {
        signedIn();
        type("3");
        press(KeyType.Enter);
        type("-");
        assertEquals(1, counter.cancels);
    }

    @Test
    void showsApprovalLargeWithWhatRemainsOfAPartialPayment() throws IOException {
        signedIn();
        type("10");
        press(KeyType.Enter);
        Payment waiting = counter.last;
        Payment partial = Payment.waiting(waiting.id(), waiting.reference(),
                new Sale(new Euros(1000), Basket.NONE, Map.of(HEIT, new Euros(600))), NOW)
                .approve(HEIT, PAYER, PaymentMethod.QR, false, NOW);
        event(SessionState.APPROVED, partial);
        String text = screenText();
        assertTrue(text.contains("APPROVED  EUR 6.00 HEIT"), text);
        assertTrue(text.contains("STILL TO COLLECT: EUR 4.00"), text);
        assertTrue(text.contains("##### ####  ####  ####  #   # #   # ####  #   #"), "block letters: " + text);
        press(KeyType.Enter);
        assertTrue(screenText().contains("EUR 4.00_"), "the rest is ready to request: " + screenText());
    }

    @Test
    void explainsADeclineInTheConfiguredLanguage() throws IOException {
        signedIn();
        type("5");
        press(KeyType.Enter);
        event(SessionState.DECLINED, counter.last.decline(DeclineCode.INSUFFICIENT_FUNDS, "balance 1.00", HEIT, PAYER,
                PaymentMethod.QR, false, NOW));
        assertTrue(screenText().contains("Not enough balance (INSUFFICIENT_FUNDS)"), screenText());
        assertTrue(screenText().contains("balance 1.00"));
    }

    @Test
    void takesTheCardPinMaskedAndHandsItOn() throws IOException {
        signedIn();
        type("5");
        press(KeyType.Enter);
        model.onEvent(new PaymentEvent(2, SessionState.AWAITING_PIN, counter.last, OptionalInt.of(3), NOW));
        step();
        assertTrue(screenText().contains("Card PIN"), screenText());
        assertTrue(screenText().contains("3 tries left"));
        type("4321");
        step();
        assertTrue(screenText().contains("PIN: ****"));
        assertFalse(screenText().contains("4321"));
        press(KeyType.Enter);
        assertEquals(List.of("4321"), counter.pins);
        assertEquals(StaffUiModel.Screen.PRESENT, model.screen());
        assertFalse(model.view().entry().contains("4321"), "the PIN is not kept");
    }

    @Test
    void showsATillsPaymentWhileIdle() throws IOException {
        signedIn();
        event(SessionState.WAITING, Payment.waiting("till-1", "till-ref", new Euros(700).in(HEIT), NOW));
        assertTrue(screenText().contains("EUR 7.00"), screenText());
        assertEquals(StaffUiModel.Screen.PRESENT, model.screen());
    }

    @Test
    void aTillsNextPaymentReplacesTheLastOutcome() throws IOException {
        signedIn();
        type("5");
        press(KeyType.Enter);
        event(SessionState.DECLINED, counter.last.decline(DeclineCode.DENIED, null, HEIT, PAYER, PaymentMethod.QR,
                false, NOW));
        assertEquals(StaffUiModel.Screen.RESULT, model.screen());
        event(SessionState.WAITING, Payment.waiting("till-2", "till-ref-2", new Euros(320).in(HEIT), NOW));
        assertEquals(StaffUiModel.Screen.PRESENT, model.screen());
        assertTrue(screenText().contains("EUR 3.20"), screenText());
    }

    @Test
    void saysSoWhenNobodyCanSignIn() throws IOException {
        StaffUiModel nobody = new StaffUiModel(counter, new StaffPins(List.of(), 5, Duration.ofMinutes(5)), "en",
                List.of(), Clock.fixed(NOW, ZoneOffset.UTC));
        ui = new LanternaStaffUi(terminal, nobody, () -> status, ZoneOffset.UTC);
        ui.open();
        step();
        assertTrue(screenText().contains("No staff configured"), screenText());
    }

    @Test
    void statusLineShowsOfflineChainsUnsettledAndWarnings() throws IOException {
        Map<Long, Boolean> chains = new java.util.LinkedHashMap<>();
        chains.put(31337L, true);
        chains.put(31338L, false);
        status = new StaffStatus(chains, 4, List.of("clock not confirmed"));
        step();
        String top = line(0);
        assertTrue(top.contains("OFFLINE 31337:on 31338:OFF"), top);
        assertTrue(top.contains("Unsettled: 4"), top);
        assertTrue(line(1).contains("clock not confirmed"), line(1));
    }

    @Test
    void listsTheLastPayments() throws IOException {
        signedIn();
        counter.history.add(Payment.waiting("p1", "r1", new Euros(450).in(HEIT), NOW)
                .approve(HEIT, PAYER, PaymentMethod.CARD, false, NOW));
        type("/1");
        step();
        assertTrue(screenText().contains("Last payments"), screenText());
        assertTrue(screenText().contains("4.50 HEIT APPROVED/PENDING"), screenText());
    }

    @Test
    void xReportForStaffAndZReportOnlyWithTheManagerPin() throws IOException {
        signedIn();
        type("/2");
        step();
        assertTrue(screenText().contains("X report"), screenText());
        assertTrue(screenText().contains("[HEIT]"), screenText());
        press(KeyType.Escape);
        type("3");
        step();
        assertTrue(screenText().contains("Manager PIN"), screenText());
        type("1111");
        press(KeyType.Enter);
        assertTrue(screenText().contains("not a manager PIN"), screenText());
        type("9999");
        press(KeyType.Enter);
        assertTrue(screenText().contains("close the day?"), screenText());
        assertEquals(0, counter.closes);
        press(KeyType.Enter);
        assertEquals(1, counter.closes);
        assertTrue(screenText().contains("Z 7:"), screenText());
    }

    @Test
    void voidSaysPlainlyWhenTheDeskOffersNone() throws IOException {
        signedIn();
        type("/4");
        step();
        assertTrue(screenText().contains("not available"), screenText());
    }

    @Test
    void voidsAnUnsettledApprovalWithTheManagerPin() throws IOException {
        counter.voids = true;
        signedIn();
        counter.history.add(Payment.waiting("p9", "r9", new Euros(300).in(HEIT), NOW)
                .approve(HEIT, PAYER, PaymentMethod.QR, false, NOW));
        type("/4");
        type("9999");
        press(KeyType.Enter);
        assertTrue(screenText().contains("1 28-11 15:00"), screenText());
        type("1");
        step();
        assertEquals(List.of("p9: voided on the staff screen, confirmed by bob"), counter.voided);
    }

    @Test
    void redrawsWholeOnResize() throws IOException {
        signedIn();
        type("12");
        step();
        terminal.setTerminalSize(new TerminalSize(80, 24));
        step();
        assertTrue(line(23).contains("Enter=pay"), "key help on the new last row: " + line(23));
        assertTrue(screenText().contains("EUR 12_"), screenText());
        terminal.setTerminalSize(new TerminalSize(60, 20));
        step();
        assertTrue(line(19).contains("Enter=pay"), line(19));
    }

    @Test
    void speaksDutchByDefault() {
        StaffWords dutch = new StaffWords("nl");
        assertEquals("Saldo te laag", dutch.decline(DeclineCode.INSUFFICIENT_FUNDS));
        for (DeclineCode code : DeclineCode.values()) {
            assertFalse(dutch.decline(code).equals(code.name()), "a Dutch text for " + code);
            assertFalse(new StaffWords("en").decline(code).equals(code.name()), "an English text for " + code);
        }
    }

    private void signedIn() throws IOException {
        model.signInAs(new StaffPins.Member("anna", StaffPins.Role.STAFF, "-"));
        step();
    }

    private void event(SessionState state, Payment payment) throws IOException {
        model.onEvent(new PaymentEvent(1, state, payment, OptionalInt.empty(), NOW));
        step();
    }

    private void type(String keys) throws IOException {
        for (char c : keys.toCharArray()) {
            terminal.addInput(new KeyStroke(c, false, false));
        }
        step();
    }

    private void press(KeyType key) throws IOException {
        terminal.addInput(new KeyStroke(key));
        step();
    }

    private void step() throws IOException {
        ui.step();
    }

    private String line(int row) {
        StringBuilder text = new StringBuilder();
        for (int col = 0; col < terminal.getTerminalSize().getColumns(); col++) {
            text.append(terminal.getCharacter(col, row).getCharacterString());
        }
        return text.toString();
    }

    private String screenText() {
        StringBuilder text = new StringBuilder();
        for (int row = 0; row < terminal.getTerminalSize().getRows(); row++) {
            text.append(line(row)).append('\n');
        }
        return text.toString();
    }

    /** The desk and the reports as the screens see them, remembering what was asked. */
    private static final class FakeCounter implements CounterActions {
        final List<Euros> requested = new ArrayList<>();
        final List<Basket> baskets = new ArrayList<>();
        final List<String> pins = new ArrayList<>();
        final List<Payment> history = new ArrayList<>();
        final List<String> voided = new ArrayList<>();
        Payment last;
        int cancels;
        int closes;
        boolean voids;

        @Override
        public Payment request(Euros amount, Basket basket, String reference) {
            requested.add(amount);
            baskets.add(basket);
            last = Payment.waiting("p" + requested.size(), reference, new Sale(amount, basket, Map.of(HEIT, amount)),
                    NOW);
            return last;
        }

        @Override
        public boolean cancelWaiting() {
            cancels++;
            return true;
        }

        @Override
        public void enterPin(String pin) {
            pins.add(pin);
        }

        @Override
        public List<Payment> recent(int limit) {
            return history;
        }

        @Override
        public Totals runningTotals() {
            return new Totals.Builder().add(HEIT, nl.heitje.terminal.domain.PaymentStatus.APPROVED,
                    nl.heitje.terminal.domain.SettlementStatus.PENDING, false, new Euros(450),
                    new Euros(450).in(HEIT)).build();
        }

        @Override
        public ZReport closePeriod() {
            closes++;
            return new ZReport(7, NOW.minusSeconds(3600), NOW, NOW, runningTotals());
        }

        @Override
        public boolean canVoid() {
            return voids;
        }

        @Override
        public Payment voidPayment(String paymentId, String reason) {
            voided.add(paymentId + ": " + reason);
            return history.get(0);
        }
    }
}
