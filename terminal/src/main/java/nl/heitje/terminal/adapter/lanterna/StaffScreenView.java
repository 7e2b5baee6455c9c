// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Totals;

/**
 * Draws one {@link StaffUiModel.View} onto any size from 60×20 up: the status line on top (always), a warning
 * line, the screen's title with who is signed in, its body, a message line and the keys it takes at the bottom.
 * Pure drawing: it keeps nothing between two draws, so a resize is just another draw.
 */
final class StaffScreenView {
    static final int MIN_COLUMNS = 60;
    static final int MIN_ROWS = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd-MM HH:mm");

    private final ZoneId zone;

    StaffScreenView(ZoneId zone) {
        this.zone = zone;
    }

    void draw(StaffUiModel.View view, TextGraphics g, TerminalSize size) {
        StaffWords w = view.words();
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.fill(' ');
        int cols = size.getColumns();
        int rows = size.getRows();
        statusLine(view, g, cols);
        warningLine(view, g, cols);
        String title = title(view);
        g.enableModifiers(SGR.BOLD);
        g.putString(0, 2, fit(title, cols));
        g.disableModifiers(SGR.BOLD);
        if (view.staffName() != null) {
            String who = view.staffName() + (view.manager() ? " (manager)" : "");
            g.putString(Math.max(title.length() + 1, cols - who.length()), 2, who);
        }
        List<String> body = new ArrayList<>();
        switch (view.screen()) {
            case SIGN_IN, MANAGER_PIN, CARD_PIN -> pinBody(view, body);
            case AMOUNT -> amountBody(view, body);
            case PRESENT -> presentBody(view, body);
            case RESULT -> {
                resultBody(view, g, cols);
                body = null;
            }
            case MENU -> menuBody(view, body);
            case RECENT, VOID_LIST -> paymentsBody(view, body);
            case X_REPORT, Z_CONFIRM -> totalsBody(view.totals(), w, body);
            case Z_REPORT -> {
                body.add("Z " + view.closed().number() + ": " + TIME.format(view.closed().from().atZone(zone))
                        + " - " + TIME.format(view.closed().to().atZone(zone)));
                totalsBody(view.closed().totals(), w, body);
            }
        }
        if (body != null) {
            int bodyRows = rows - 6;
            for (int i = 0; i < body.size() && i < bodyRows; i++) {
                g.putString(1, 4 + i, fit(body.get(i), cols - 2));
            }
        }
        if (!view.message().isEmpty()) {
            g.setForegroundColor(TextColor.ANSI.YELLOW);
            g.enableModifiers(SGR.BOLD);
            g.putString(0, rows - 2, fit(view.message(), cols));
            g.disableModifiers(SGR.BOLD);
            g.setForegroundColor(TextColor.ANSI.DEFAULT);
        }
        g.enableModifiers(SGR.REVERSE);
        g.putString(0, rows - 1, pad(fit(keys(view), cols), cols));
        g.disableModifiers(SGR.REVERSE);
    }

    private void statusLine(StaffUiModel.View view, TextGraphics g, int cols) {
        StaffStatus status = view.status();
        StaffWords w = view.words();
        StringBuilder line = new StringBuilder(status.everyChainOnline() ? "ONLINE" : "OFFLINE");
        if (status.onlineByChain().size() > 1) {
            status.onlineByChain().forEach((chain, online) -> line.append(' ').append(chain)
                    .append(online ? ":on" : ":OFF"));
        }
        line.append(" | ").append(w.say("Onverrekend: ", "Unsettled: ")).append(status.unsettled());
        if (!status.warnings().isEmpty()) {
            line.append(" | ").append(w.say("Let op: ", "Warnings: ")).append(status.warnings().size());
        }
        g.setBackgroundColor(status.everyChainOnline() ? TextColor.ANSI.GREEN : TextColor.ANSI.RED);
        g.setForegroundColor(TextColor.ANSI.BLACK);
        g.putString(0, 0, pad(fit(line.toString(), cols), cols));
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
    }

    private void warningLine(StaffUiModel.View view, TextGraphics g, int cols) {
        if (view.status().warnings().isEmpty()) {
            return;
        }
        g.setForegroundColor(TextColor.ANSI.YELLOW);
        g.putString(0, 1, fit("! " + String.join("; ", view.status().warnings()), cols));
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
    }

    private static String title(StaffUiModel.View view) {
        StaffWords w = view.words();
        return switch (view.screen()) {
            case SIGN_IN -> w.say("Aanmelden", "Sign in");
            case AMOUNT -> w.say("Bedrag", "Amount");
            case PRESENT -> w.say("Pas of QR-code aanbieden", "Present card or QR");
            case CARD_PIN -> w.say("Pincode van de pas", "Card PIN");
            case RESULT -> w.say("Uitkomst", "Outcome");
            case MENU -> w.say("Menu", "Menu");
            case RECENT -> w.say("Laatste betalingen", "Last payments");
            case X_REPORT -> w.say("X-rapport (lopend)", "X report (running)");
            case Z_CONFIRM -> w.say("Z-rapport: dag afsluiten?", "Z report: close the day?");
            case Z_REPORT -> w.say("Z-rapport", "Z report");
            case VOID_LIST -> w.say("Betaling annuleren (void)", "Void a payment");
            case MANAGER_PIN -> w.say("Managerpincode", "Manager PIN");
        };
    }

    private static String keys(StaffUiModel.View view) {
        StaffWords w = view.words();
        return switch (view.screen()) {
            case SIGN_IN, MANAGER_PIN -> w.say("cijfers  Enter=ok  <-=wis  Esc=terug", "digits  Enter=ok  <-=erase"
                    + "  Esc=back");
            case CARD_PIN -> w.say("cijfers  Enter=ok  <-=wis  Esc/-=annuleer", "digits  Enter=ok  <-=erase"
                    + "  Esc/-=cancel");
            case AMOUNT -> w.say("Enter=betalen *n=product /=menu <-=wis Esc=leeg", "Enter=pay *n=product /=menu"
                    + " <-=erase Esc=clear");
            case PRESENT -> w.say("Esc/-=annuleer", "Esc/-=cancel");
            case RESULT -> w.say("Enter=volgende", "Enter=next");
            case MENU -> w.say("1-4 kiezen  0=afmelden  Esc=terug", "1-4 choose  0=sign out  Esc=back");
            case Z_CONFIRM -> w.say("Enter=dag afsluiten  Esc=terug", "Enter=close the day  Esc=back");
            case VOID_LIST -> w.say("1-9 kiezen  Esc=terug", "1-9 choose  Esc=back");
            default -> w.say("Esc=terug", "Esc=back");
        };
    }

    private static void pinBody(StaffUiModel.View view, List<String> body) {
        StaffWords w = view.words();
        if (view.screen() == StaffUiModel.Screen.CARD_PIN) {
            body.add(w.say("Klant: toets de pincode van de pas", "Customer: key the card's PIN"));
            if (view.pinTriesLeft() != null) {
                body.add(w.say("Nog " + view.pinTriesLeft() + " pogingen", view.pinTriesLeft() + " tries left"));
            }
        } else {
            body.add(w.say("Toets uw pincode", "Key your PIN"));
        }
        body.add("");
        body.add("PIN: " + view.maskedEntry());
    }

    private static void amountBody(StaffUiModel.View view, List<String> body) {
        StaffWords w = view.words();
        if (view.basket().isEmpty()) {
            body.add(w.say("Bedrag: EUR ", "Amount: EUR ") + (view.entry().isEmpty() ? "0.00" : view.entry()) + "_");
        } else {
            view.basket().forEach((name, count) -> body.add("  " + count + " x " + name));
            body.add(w.say("Totaal: EUR ", "Total: EUR ") + view.basketTotal());
        }
        body.add("");
        if (view.presetKeyArmed()) {
            body.add(w.say("Product: toets 1-9", "Product: key 1-9"));
        }
        for (StaffUiModel.Preset preset : view.presets()) {
            body.add("*" + preset.key() + " " + preset.name() + "  " + preset.price());
        }
    }

    private static void presentBody(StaffUiModel.View view, List<String> body) {
        StaffWords w = view.words();
        Payment payment = view.onCounter();
        if (payment != null) {
            body.add("EUR " + payment.requested());
        }
        body.add("");
        body.add(w.say("Houd de pas tegen de lezer", "Hold the card to the reader"));
        body.add(w.say("of toon de QR-code", "or show the QR code"));
        body.add("");
        body.add(view.cardProgress());
    }

    private static void resultBody(StaffUiModel.View view, TextGraphics g, int cols) {
        StaffWords w = view.words();
        Payment outcome = view.outcome();
        boolean approved = outcome.status() == PaymentStatus.APPROVED;
        String word = switch (outcome.status()) {
            case APPROVED -> w.approvedWord();
            case DECLINED -> w.declinedWord();
            case CANCELLED -> w.say("GEANNULEERD", "CANCELLED");
            case EXPIRED -> w.say("VERLOPEN", "EXPIRED");
            // WAITING never comes here; any status added later shows by its name rather than not at all.
            default -> outcome.status().name();
        };
        TextColor band = approved ? TextColor.ANSI.GREEN : outcome.status() == PaymentStatus.DECLINED
                ? TextColor.ANSI.RED : TextColor.ANSI.YELLOW;
        g.setBackgroundColor(band);
        g.setForegroundColor(TextColor.ANSI.BLACK);
        g.enableModifiers(SGR.BOLD);
        for (int row = 3; row < 3 + BigLetters.HEIGHT + 2; row++) {
            g.putString(0, row, " ".repeat(cols));
        }
        if (BigLetters.width(word) <= cols) {
            List<String> lines = BigLetters.render(word);
            int left = (cols - BigLetters.width(word)) / 2;
            for (int i = 0; i < lines.size(); i++) {
                g.putString(left, 4 + i, lines.get(i));
            }
        } else {
            g.putString(Math.max(0, (cols - word.length()) / 2), 6, word);
        }
        g.disableModifiers(SGR.BOLD);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        List<String> lines = new ArrayList<>();
        lines.add(word + "  EUR " + outcome.amount() + (outcome.purse() == null ? "" : " " + outcome.purse().symbol()));
        if (outcome.declineCode() != null) {
            lines.add(w.decline(outcome.declineCode()) + " (" + outcome.declineCode() + ")");
            if (outcome.declineReason() != null) {
                lines.add(outcome.declineReason());
            }
        }
        outcome.remaining().filter(r -> approved && !r.isZero()).ifPresent(r -> lines.add(
                w.say("NOG TE BETALEN: EUR ", "STILL TO COLLECT: EUR ") + r));
        if (outcome.offline()) {
            lines.add(w.say("(offline goedgekeurd)", "(approved offline)"));
        }
        for (int i = 0; i < lines.size(); i++) {
            g.putString(1, 11 + i, fit(lines.get(i), cols - 2));
        }
    }

    private static void menuBody(StaffUiModel.View view, List<String> body) {
        StaffWords w = view.words();
        body.add("1 " + w.say("Laatste betalingen", "Last payments"));
        body.add("2 " + w.say("X-rapport (lopend totaal)", "X report (running totals)"));
        body.add("3 " + w.say("Z-rapport (dag afsluiten, manager)", "Z report (close the day, manager)"));
        body.add("4 " + w.say("Betaling annuleren (manager)", "Void a payment (manager)")
                + (view.canVoid() ? "" : w.say(" - nog niet", " - not yet")));
        body.add("0 " + w.say("Afmelden", "Sign out"));
    }

    private void paymentsBody(StaffUiModel.View view, List<String> body) {
        StaffWords w = view.words();
        if (view.listed().isEmpty()) {
            body.add(w.say("Geen betalingen", "No payments"));
        }
        int number = 1;
        for (Payment p : view.listed()) {
            String state = p.status() == PaymentStatus.APPROVED ? p.status() + "/" + p.settlement().status()
                    : p.status() + (p.declineCode() == null ? "" : " " + p.declineCode());
            body.add((view.screen() == StaffUiModel.Screen.VOID_LIST ? number++ + " " : "")
                    + TIME.format((p.decidedAt() == null ? p.createdAt() : p.decidedAt()).atZone(zone))
                    + " " + String.format("%8s", p.amount()) + " " + (p.purse() == null ? "-" : p.purse().symbol())
                    + " " + state);
        }
    }

    private static void totalsBody(Totals totals, StaffWords w, List<String> body) {
        if (totals.purses().isEmpty()) {
            body.add(w.say("Nog niets in deze periode", "Nothing in this period yet"));
        }
        for (Totals.PurseTotals purse : totals.purses()) {
            body.add("[" + (purse.symbol() == null ? w.say("geen tegoed", "no purse") : purse.symbol()) + "]");
            line(body, purse, Totals.Figure.APPROVED, w.say("Betaald", "Approved"));
            line(body, purse, Totals.Figure.APPROVED_SETTLED, w.say(" verrekend", " settled"));
            line(body, purse, Totals.Figure.APPROVED_FAILED, w.say(" mislukt", " failed"));
            line(body, purse, Totals.Figure.DECLINED, w.say("Geweigerd", "Declined"));
            line(body, purse, Totals.Figure.CANCELLED, w.say("Geannuleerd", "Cancelled"));
        }
    }

    private static void line(List<String> body, Totals.PurseTotals purse, Totals.Figure figure, String label) {
        var tally = purse.get(figure);
        if (tally.count() > 0 || figure == Totals.Figure.APPROVED) {
            body.add(String.format("  %-14s %4d  EUR %10s", label, tally.count(), tally.euros()));
        }
    }

    static String fit(String text, int width) {
        return text.length() <= width ? text : text.substring(0, Math.max(0, width - 1)) + "~";
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

}
