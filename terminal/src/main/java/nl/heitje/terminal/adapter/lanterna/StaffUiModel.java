// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Totals;
import nl.heitje.terminal.domain.ZReport;

/**
 * The staff screen's state, without a terminal: which screen shows, what is keyed so far, the payment on the counter
 * and its outcome. Keys come in through {@link #handle(KeyStroke)} (from the UI's thread), payment events through
 * {@link #onEvent(PaymentEvent)} (from the event bus's thread); both under this object's lock, and each change bumps
 * {@link #version()} so the view knows to redraw. A PIN keyed here lives only in the entry buffer, which is wiped as
 * soon as the PIN is handed on.
 */
public final class StaffUiModel {

    public enum Screen {
        SIGN_IN, AMOUNT, PRESENT, CARD_PIN, RESULT, MENU, RECENT, X_REPORT, Z_CONFIRM, Z_REPORT, VOID_LIST, MANAGER_PIN
    }

    /** A quick-key product: its price counts under its basket category, when it has one. */
    public record Preset(int key, String name, Euros price, Optional<String> category) {
    }

    /** A manager-only step, asked for before the manager PIN is keyed. */
    private enum ManagerStep { Z_REPORT, VOID }

    static final int MAX_AMOUNT_CHARS = 9;
    static final int RECENT_LIMIT = 12;
    static final String UNCATEGORISED = "other";

    private final CounterActions counter;
    private final StaffPins pins;
    private final StaffWords words;
    private final List<Preset> presets;
    private final Clock clock;
    private Screen screen;
    private final StringBuilder entry = new StringBuilder();
    private final List<Preset> picked = new ArrayList<>();
    private boolean presetKeyArmed;
    private StaffPins.Member signedIn;
    private Payment onCounter;
    private String cardProgress = "";
    private Payment outcome;
    private String message = "";
    private Integer pinTriesLeft;
    private ManagerStep managerStep;
    /** Who confirmed the manager step under way, for the void's reason. */
    private String managerName;
    private List<Payment> listed = List.of();
    private Totals totals = Totals.EMPTY;
    private ZReport closed;
    private StaffStatus status = StaffStatus.UNKNOWN;
    private long version;

    public StaffUiModel(CounterActions counter, StaffPins pins, String language, List<Preset> presets, Clock clock) {
        this.counter = counter;
        this.pins = pins;
        this.words = new StaffWords(language);
        this.presets = List.copyOf(presets);
        this.clock = clock;
        this.screen = Screen.SIGN_IN;
        if (pins.isEmpty()) {
            message = words.say("Geen personeel ingesteld (staffUi.staff.*, manager.pinHash)",
                    "No staff configured (staffUi.staff.*, manager.pinHash)");
        }
    }

    /** Starts signed in (the simulator's demo staff member), at amount entry. */
    public synchronized void signInAs(StaffPins.Member member) {
        signedIn = member;
        show(Screen.AMOUNT);
    }

    public synchronized long version() {
        return version;
    }

    public synchronized void updateStatus(StaffStatus latest) {
        if (!latest.equals(status)) {
            status = latest;
            version++;
        }
    }

    /** A copy of everything the view draws, taken under the lock. */
    public synchronized View view() {
        Map<String, Long> basket = new LinkedHashMap<>();
        picked.forEach(p -> basket.merge(p.name(), 1L, Long::sum));
        return new View(screen, words, signedIn == null ? null : signedIn.name(),
                signedIn != null && signedIn.role() == StaffPins.Role.MANAGER, entry.toString(), basket, basketTotal(),
                presets, presetKeyArmed, onCounter, cardProgress, outcome, message, pinTriesLeft, listed, totals,
                closed, status, counter.canVoid());
    }

    /** What the view needs; the PIN entry is given only as its length. */
    public record View(Screen screen, StaffWords words, String staffName, boolean manager, String entry,
                       Map<String, Long> basket, Euros basketTotal, List<Preset> presets, boolean presetKeyArmed,
                       Payment onCounter, String cardProgress, Payment outcome, String message, Integer pinTriesLeft,
                       List<Payment> listed, Totals totals, ZReport closed, StaffStatus status, boolean canVoid) {
        public String maskedEntry() {
            return "*".repeat(entry.length());
        }
    }

    public synchronized void onEvent(PaymentEvent event) {
        Payment payment = event.payment();
        boolean ours = onCounter != null && onCounter.id().equals(payment.id());
        if (!ours) {
            // A payment the till opened: show it, unless staff are in the middle of something else.
            boolean idle = screen == Screen.RESULT || screen == Screen.AMOUNT && entry.isEmpty() && picked.isEmpty();
            if (event.state() == SessionState.WAITING && signedIn != null && idle) {
                entry.setLength(0);
                outcome = null;
                onCounter = payment;
                cardProgress = "";
                show(Screen.PRESENT);
            }
            return;
        }
        onCounter = payment;
        switch (event.state()) {
            case WAITING -> {
                cardProgress = "";
                if (screen == Screen.CARD_PIN) {
                    entry.setLength(0);
                    show(Screen.PRESENT);
                }
            }
            case READING_CARD -> {
                cardProgress = words.say("Pas wordt gelezen...", "Reading card...");
                if (screen == Screen.CARD_PIN) {
                    entry.setLength(0);
                    show(Screen.PRESENT);
                }
            }
            case CHECKING -> cardProgress = words.say("Bezig met controleren...", "Checking...");
            case AWAITING_PIN -> {
                pinTriesLeft = event.pinTriesLeft().isPresent() ? event.pinTriesLeft().getAsInt() : null;
                entry.setLength(0);
                message = "";
                show(Screen.CARD_PIN);
            }
            case APPROVED, DECLINED, CANCELLED, EXPIRED -> {
                entry.setLength(0);
                outcome = payment;
                onCounter = null;
                cardProgress = "";
                show(Screen.RESULT);
            }
        }
        version++;
    }

    public synchronized void handle(KeyStroke keyed) {
        // A numeric keypad has no Escape: its '-' backs out and cancels everywhere.
        KeyStroke key = keyed.getKeyType() == KeyType.Character && keyed.getCharacter() == '-'
                ? new KeyStroke(KeyType.Escape) : keyed;
        message = "";
        switch (screen) {
            case SIGN_IN -> pinKey(key, this::signIn, null);
            case AMOUNT -> amountKey(key);
            case PRESENT -> {
                if (key.getKeyType() == KeyType.Escape || key.getKeyType() == KeyType.Backspace) {
                    cancel();
                }
            }
            case CARD_PIN -> pinKey(key, this::handPinToCard, this::cancel);
            case RESULT -> {
                if (key.getKeyType() == KeyType.Enter || key.getKeyType() == KeyType.Escape) {
                    newSale();
                }
            }
            case MENU -> menuKey(key);
            case RECENT, X_REPORT, Z_REPORT -> {
                if (key.getKeyType() == KeyType.Escape || key.getKeyType() == KeyType.Enter) {
                    show(Screen.MENU);
                }
            }
            case Z_CONFIRM -> {
                if (key.getKeyType() == KeyType.Enter) {
                    closeDay();
                } else if (key.getKeyType() == KeyType.Escape) {
                    show(Screen.MENU);
                }
            }
            case VOID_LIST -> voidKey(key);
            case MANAGER_PIN -> pinKey(key, this::managerPinKeyed, () -> show(Screen.MENU));
        }
        version++;
    }

    private void amountKey(KeyStroke key) {
        Character c = key.getCharacter();
        if (presetKeyArmed && c != null && c >= '1' && c <= '9') {
            presetKeyArmed = false;
            presets.stream().filter(p -> p.key() == c - '0').findFirst().ifPresentOrElse(p -> {
                picked.add(p);
                entry.setLength(0);
            }, () -> message = words.say("Geen product onder " + c, "No product on key " + c));
            return;
        }
        presetKeyArmed = false;
        switch (key.getKeyType()) {
            case Enter -> requestPayment();
            case Backspace -> {
                if (!entry.isEmpty()) {
                    entry.setLength(entry.length() - 1);
                } else if (!picked.isEmpty()) {
                    picked.remove(picked.size() - 1);
                }
            }
            case Escape -> {
                entry.setLength(0);
                picked.clear();
            }
            case Character -> amountCharacter(c);
            default -> { }
        }
    }

    private void amountCharacter(char c) {
        if (c == '*' || c == '+') {
            presetKeyArmed = true;
        } else if (c == '/' || c == 'm') {
            show(Screen.MENU);
        } else if (c == '.' || c == ',') {
            if (entry.indexOf(".") < 0 && entry.length() < MAX_AMOUNT_CHARS && picked.isEmpty()) {
                entry.append(entry.isEmpty() ? "0." : ".");
            }
        } else if (c >= '0' && c <= '9' && picked.isEmpty()) {
            int point = entry.indexOf(".");
            boolean fractionFull = point >= 0 && entry.length() - point > 2;
            boolean leadingZero = entry.toString().equals("0");
            if (!fractionFull && entry.length() < MAX_AMOUNT_CHARS) {
                if (leadingZero) {
                    entry.setLength(0);
                }
                entry.append(c);
            }
        }
    }

    private Euros basketTotal() {
        return picked.stream().map(Preset::price).reduce(Euros.ZERO, Euros::plus);
    }

    private void requestPayment() {
        Euros amount;
        Basket basket = Basket.NONE;
        if (!picked.isEmpty()) {
            amount = basketTotal();
            Map<String, Euros> byCategory = new LinkedHashMap<>();
            // A basket adds up to the sale: once any product has a category, the rest count under "other".
            if (picked.stream().anyMatch(p -> p.category().isPresent())) {
                picked.forEach(p -> byCategory.merge(p.category().orElse(UNCATEGORISED), p.price(), Euros::plus));
                basket = new Basket(byCategory.entrySet().stream()
                        .map(e -> new Basket.Line(e.getKey(), e.getValue())).toList());
            }
        } else {
            amount = Euros.parse(entry.toString().endsWith(".") ? entry + "0" : entry.toString()).orElse(Euros.ZERO);
        }
        if (amount.isZero()) {
            message = words.say("Toets eerst een bedrag", "Key an amount first");
            return;
        }
        try {
            onCounter = counter.request(amount, basket, "staff-" + UUID.randomUUID());
            entry.setLength(0);
            picked.clear();
            cardProgress = "";
            if (onCounter.isWaiting()) {
                show(Screen.PRESENT);
            } else {
                outcome = onCounter;
                onCounter = null;
                show(Screen.RESULT);
            }
        } catch (RuntimeException refused) {
            message = refusal(refused);
        }
    }

    private String refusal(RuntimeException refused) {
        String simple = refused.getClass().getSimpleName();
        return switch (simple) {
            case "BusyException" -> words.say("Er wacht al een betaling", "Another payment is waiting");
            case "NothingPayableException" -> words.say("Geen tegoed mag dit betalen", "No purse may pay this");
            default -> String.valueOf(refused.getMessage());
        };
    }

    private void cancel() {
        entry.setLength(0);
        if (!counter.cancelWaiting()) {
            message = words.say("Kan nu niet annuleren", "Cannot cancel now");
        }
    }

    private void newSale() {
        entry.setLength(0);
        picked.clear();
        if (outcome != null && outcome.status() == PaymentStatus.APPROVED) {
            outcome.remaining().filter(r -> !r.isZero()).ifPresent(r -> entry.append(r.toDecimalString()));
        }
        outcome = null;
        show(signedIn == null ? Screen.SIGN_IN : Screen.AMOUNT);
    }

    /** Digits into the (masked) entry; Enter hands it on, Escape goes back. */
    private void pinKey(KeyStroke key, Runnable onEnter, Runnable onEscape) {
        switch (key.getKeyType()) {
            case Enter -> onEnter.run();
            case Backspace -> {
                if (!entry.isEmpty()) {
                    entry.setLength(entry.length() - 1);
                }
            }
            case Escape -> {
                entry.setLength(0);
                if (onEscape != null) {
                    onEscape.run();
                }
            }
            case Character -> {
                char c = key.getCharacter();
                if (c >= '0' && c <= '9' && entry.length() < 8) {
                    entry.append(c);
                }
            }
            default -> { }
        }
    }

    private String takeEntry() {
        String keyed = entry.toString();
        entry.setLength(0);
        return keyed;
    }

    private void signIn() {
        StaffPins.Attempt attempt = pins.attempt(takeEntry(), clock.instant());
        if (attempt instanceof StaffPins.SignedIn in) {
            signedIn = in.member();
            show(Screen.AMOUNT);
        } else {
            message = attemptMessage(attempt);
        }
    }

    private String attemptMessage(StaffPins.Attempt attempt) {
        if (attempt instanceof StaffPins.Wrong wrong) {
            return words.say("Onjuiste pincode, nog " + wrong.triesLeft() + " pogingen",
                    "Wrong PIN, " + wrong.triesLeft() + " tries left");
        }
        if (attempt instanceof StaffPins.Locked locked) {
            long minutes = Math.max(1, (java.time.Duration.between(clock.instant(), locked.until()).toSeconds() + 59)
                    / 60);
            return words.say("Geblokkeerd, probeer over " + minutes + " min opnieuw",
                    "Locked, try again in " + minutes + " min");
        }
        return "";
    }

    private void handPinToCard() {
        String pin = takeEntry();
        if (!pin.matches("[0-9]{4,6}")) {
            message = words.say("Een pincode is 4 tot 6 cijfers", "A PIN is 4 to 6 digits");
            return;
        }
        try {
            counter.enterPin(pin);
            cardProgress = words.say("Pincode wordt gecontroleerd...", "Checking PIN...");
            show(Screen.PRESENT);
        } catch (RuntimeException refused) {
            message = words.say("De pas wacht niet meer op een pincode", "The card no longer waits for a PIN");
            show(onCounter == null ? Screen.AMOUNT : Screen.PRESENT);
        }
    }

    private void menuKey(KeyStroke key) {
        if (key.getKeyType() == KeyType.Escape) {
            show(Screen.AMOUNT);
            return;
        }
        Character c = key.getCharacter();
        if (key.getKeyType() != KeyType.Character || c == null) {
            return;
        }
        switch (c) {
            case '1' -> {
                listed = counter.recent(RECENT_LIMIT);
                show(Screen.RECENT);
            }
            case '2' -> {
                totals = counter.runningTotals();
                show(Screen.X_REPORT);
            }
            case '3' -> asManager(ManagerStep.Z_REPORT);
            case '4' -> asManager(ManagerStep.VOID);
            case '0' -> {
                signedIn = null;
                entry.setLength(0);
                picked.clear();
                show(Screen.SIGN_IN);
            }
            default -> { }
        }
    }

    private void asManager(ManagerStep step) {
        if (step == ManagerStep.VOID && !counter.canVoid()) {
            message = words.say("Annuleren van betalingen kan nog niet op deze terminal",
                    "Voiding payments is not available on this terminal yet");
            return;
        }
        managerStep = step;
        if (signedIn != null && signedIn.role() == StaffPins.Role.MANAGER) {
            managerName = signedIn.name();
            managerConfirmed();
        } else {
            entry.setLength(0);
            show(Screen.MANAGER_PIN);
        }
    }

    private void managerPinKeyed() {
        StaffPins.Attempt attempt = pins.attempt(takeEntry(), clock.instant());
        if (attempt instanceof StaffPins.SignedIn in && in.member().role() == StaffPins.Role.MANAGER) {
            managerName = in.member().name();
            managerConfirmed();
        } else if (attempt instanceof StaffPins.SignedIn) {
            message = words.say("Dit is geen managerpincode", "That is not a manager PIN");
        } else {
            message = attemptMessage(attempt);
        }
    }

    private void managerConfirmed() {
        if (managerStep == ManagerStep.Z_REPORT) {
            totals = counter.runningTotals();
            show(Screen.Z_CONFIRM);
        } else {
            listed = counter.recent(50).stream().filter(p -> p.status() == PaymentStatus.APPROVED
                    && p.settlement().status() == SettlementStatus.PENDING).limit(9).toList();
            show(Screen.VOID_LIST);
        }
    }

    private void closeDay() {
        try {
            closed = counter.closePeriod();
            show(Screen.Z_REPORT);
        } catch (RuntimeException failed) {
            message = String.valueOf(failed.getMessage());
        }
    }

    private void voidKey(KeyStroke key) {
        if (key.getKeyType() == KeyType.Escape) {
            show(Screen.MENU);
            return;
        }
        Character c = key.getCharacter();
        if (key.getKeyType() == KeyType.Character && c != null && c >= '1' && c <= '9' && c - '1' < listed.size()) {
            Payment chosen = listed.get(c - '1');
            try {
                counter.voidPayment(chosen.id(), "voided on the staff screen, confirmed by " + managerName);
                message = words.say("Betaling " + chosen.amount() + " geannuleerd", "Payment " + chosen.amount()
                        + " voided");
                show(Screen.MENU);
            } catch (RuntimeException refused) {
                message = String.valueOf(refused.getMessage());
            }
        }
    }

    private void show(Screen next) {
        screen = next;
        presetKeyArmed = false;
        version++;
    }

    synchronized Screen screen() {
        return screen;
    }
}
