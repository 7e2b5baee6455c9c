// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import nl.heitje.config.SlowHash;
import nl.heitje.terminal.adapter.javalin.JavalinTillApi;
import nl.heitje.terminal.adapter.javalin.PayoutCsv;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.Journal;

/**
 * The merchant's web page: sales, settlements, the payout statement and failed settlements, served as plain HTML
 * from the till API's own Javalin server under {@code /merchant/}. Server-rendered on purpose: a Raspberry Pi
 * should not carry a front-end build, the pages work without JavaScript on any phone, and one server means one
 * port, one TLS certificate and one place that checks who is asking.
 */
public final class MerchantPage {
    private static final Logger LOG = Logger.getLogger(MerchantPage.class.getName());
    static final String SESSION_COOKIE = "heitje_merchant";
    static final String LOGIN_COOKIE = "heitje_login";
    private static final int MAX_LISTED = 1000;
    /** A busy bar's month, with room to spare; the journal keeps no more per query than this. */
    private static final int MAX_CSV = 100_000;
    private static final Pattern TX_HASH = Pattern.compile("0x[0-9a-fA-F]{64}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /**
     * @param passwordHash   the merchant's password as {@code pbkdf2-sha256$...}; empty: nobody can log in
     * @param explorerTxUrls per chain id, an address with {@code {hash}} where a transaction hash goes
     * @param zone           the shop's time zone: what "today" and "this month" mean
     */
    public record Settings(Optional<String> passwordHash, Map<Long, String> explorerTxUrls, Duration sessionIdle,
                           Duration sessionMaximum, ZoneId zone) {
        @Override
        public String toString() {
            return "Settings[passwordHash=" + (passwordHash.isPresent() ? "<hidden>" : "none") + "]";
        }
    }

    private final Settings settings;
    private final PaymentDesk desk;
    private final Journal journal;
    private final JavalinTillApi.Reporting reporting;
    private final Sessions sessions;
    private final LoginThrottle throttle;

    public MerchantPage(Settings settings, PaymentDesk desk, Journal journal, JavalinTillApi.Reporting reporting) {
        this.settings = settings;
        this.desk = desk;
        this.journal = journal;
        this.reporting = reporting;
        this.sessions = new Sessions(new SecureRandom(), reporting.clock(), settings.sessionIdle(),
                settings.sessionMaximum());
        this.throttle = new LoginThrottle(reporting.clock());
    }

    /** Adds the pages to a Javalin server being configured (the till API's, see JavalinTillApi). */
    public void addTo(JavalinConfig config) {
        config.routes.before("/merchant/*", ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Content-Type-Options", "nosniff");
            // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with our own forms.
            ctx.header("Referrer-Policy", "same-origin");
            ctx.header("X-Frame-Options", "DENY");
            // No script runs on these pages at all; connect-src 'self' lets a test (or a bookmarklet) fetch the CSV.
            ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        });
        config.routes.get("/merchant", ctx -> ctx.redirect("/merchant/sales"));
        config.routes.get("/merchant/", ctx -> ctx.redirect("/merchant/sales"));
        config.routes.get("/merchant/style.css", ctx -> ctx.contentType("text/css; charset=utf-8")
                .header("Cache-Control", "max-age=3600").result(Html.STYLE));
        config.routes.get("/merchant/login", this::loginForm);
        config.routes.post("/merchant/login", this::login);
        config.routes.post("/merchant/logout", ctx -> logout(ctx));
        config.routes.get("/merchant/sales", ctx -> page(ctx, this::sales));
        config.routes.get("/merchant/sales.csv", ctx -> page(ctx, this::salesCsv));
        config.routes.get("/merchant/settlements", ctx -> page(ctx, this::settlements));
        config.routes.get("/merchant/payout", ctx -> page(ctx, this::payout));
        config.routes.get("/merchant/payout.csv", ctx -> page(ctx, this::payoutCsv));
        config.routes.get("/merchant/failed", ctx -> page(ctx, this::failed));
        config.routes.post("/merchant/failed/{id}/acknowledge", ctx -> form(ctx, this::acknowledge));
    }

    private interface Handler {
        void handle(Context ctx, Sessions.Session session) throws Exception;
    }

    /** A page for a logged-in merchant; anyone else is sent to log in. */
    private void page(Context ctx, Handler handler) throws Exception {
        Optional<Sessions.Session> session = sessions.touch(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty()) {
            ctx.redirect("/merchant/login", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        try {
            handler.handle(ctx, session.get());
        } catch (BadInput bad) {
            html(ctx, 400, Html.page("Not understood", session.get().csrfToken(),
                    "<p class=\"notice error\">" + Html.text(bad.getMessage()) + "</p>"));
        }
    }

    /** A form sent by a logged-in merchant from one of our own pages: the session's CSRF token must come with it. */
    private void form(Context ctx, Handler handler) throws Exception {
        Optional<Sessions.Session> session = sessions.touch(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty() || !sameOrigin(ctx) || !tokenMatches(ctx.formParam("csrf"), session.get().csrfToken())) {
            html(ctx, 403, Html.page("Refused", null, "<p class=\"notice error\">This form has expired or did not come"
                    + " from this page. <a href=\"/merchant/sales\">Start again</a>.</p>"));
            return;
        }
        handler.handle(ctx, session.get());
    }

    // ---- log-in --------------------------------------------------------------------------------------------

    private void loginForm(Context ctx) {
        if (sessions.touch(ctx.cookie(SESSION_COOKIE)).isPresent()) {
            ctx.redirect("/merchant/sales", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        showLogin(ctx, 200, null);
    }

    /** The form with a fresh log-in token, also set as a short-lived cookie: a page elsewhere cannot log us in. */
    private void showLogin(Context ctx, int status, String problem) {
        String token = sessions.randomToken();
        setCookie(ctx, LOGIN_COOKIE, token, Duration.ofMinutes(30));
        StringBuilder body = new StringBuilder();
        if (settings.passwordHash().isEmpty()) {
            body.append("<p class=\"notice error\">No merchant password is set on this terminal yet; see the"
                    + " installation guide (provision merchant-password).</p>");
        }
        if (problem != null) {
            body.append("<p class=\"notice error\" id=\"problem\">").append(Html.text(problem)).append("</p>");
        }
        body.append("<form method=\"post\" action=\"/merchant/login\" class=\"login\">")
                .append(Html.csrfField(token))
                .append("<label>Password<input type=\"password\" name=\"password\" id=\"password\" ")
                .append("autocomplete=\"current-password\" required autofocus></label>")
                .append("<button type=\"submit\" id=\"log-in\">Log in</button></form>");
        html(ctx, status, Html.page("Merchant log-in", null, body.toString()));
    }

    private void login(Context ctx) {
        String client = ctx.ip();
        if (!sameOrigin(ctx) || !tokenMatches(ctx.formParam("csrf"), ctx.cookie(LOGIN_COOKIE))) {
            showLogin(ctx, 403, "The log-in form had expired; please try again.");
            return;
        }
        Optional<Duration> wait = throttle.waitBefore(client);
        if (wait.isPresent()) {
            ctx.header("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
            showLogin(ctx, 429, "Too many wrong passwords. Try again in " + Math.max(1, wait.get().toSeconds())
                    + " seconds.");
            return;
        }
        String password = ctx.formParam("password");
        boolean right;
        synchronized (this) {
            // One slow hash at a time: a burst of attempts cannot take both of the Pi's cores from the till.
            right = password != null && !password.isEmpty() && password.length() <= 1024
                    && settings.passwordHash().map(hash -> SlowHash.matches(password.toCharArray(), hash)).orElse(false);
        }
        if (!right) {
            throttle.failed(client);
            LOG.warning("merchant log-in refused from " + client);
            showLogin(ctx, 401, "That password is not right.");
            return;
        }
        throttle.succeeded(client);
        Sessions.Session session = sessions.start();
        setCookie(ctx, LOGIN_COOKIE, "", Duration.ZERO);
        setCookie(ctx, SESSION_COOKIE, session.id(), null);
        LOG.info("merchant logged in from " + client);
        ctx.redirect("/merchant/sales", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) throws Exception {
        form(ctx, (c, session) -> {
            sessions.end(session.id());
            setCookie(c, SESSION_COOKIE, "", Duration.ZERO);
            c.redirect("/merchant/login", io.javalin.http.HttpStatus.SEE_OTHER);
        });
    }

    /**
     * Written by hand for the attributes Javalin's cookie type leaves out: {@code HttpOnly} so no script reads the
     * session, {@code SameSite=Strict} so no other site's page sends it, {@code Secure} whenever we are on TLS.
     */
    private static void setCookie(Context ctx, String name, String value, Duration maxAge) {
        StringBuilder cookie = new StringBuilder(name).append('=').append(value)
                .append("; Path=/merchant; HttpOnly; SameSite=Strict");
        if (maxAge != null) {
            cookie.append("; Max-Age=").append(maxAge.toSeconds());
        }
        if (ctx.req().isSecure()) {
            cookie.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", cookie.toString());
    }

    private static boolean tokenMatches(String sent, String expected) {
        return sent != null && expected != null && !expected.isEmpty() && MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /** A browser names where a form came from; when it does, that must be us. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        try {
            URI uri = URI.create(origin);
            String host = ctx.header("Host");
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- sales ---------------------------------------------------------------------------------------------

    private void sales(Context ctx, Sessions.Session session) {
        LocalDate day = day(ctx.queryParam("day"));
        List<Payment> payments = paymentsOn(day);
        StringBuilder body = new StringBuilder();
        body.append("<form class=\"period\" method=\"get\" action=\"/merchant/sales\">")
                .append("<a href=\"/merchant/sales?day=").append(day.minusDays(1)).append("\">&larr; ")
                .append(day.minusDays(1)).append("</a>")
                .append("<input type=\"date\" name=\"day\" value=\"").append(day).append("\">")
                .append("<button type=\"submit\">Show</button>")
                .append("<a href=\"/merchant/sales?day=").append(day.plusDays(1)).append("\">")
                .append(day.plusDays(1)).append(" &rarr;</a>")
                .append("<a id=\"sales-csv\" href=\"/merchant/sales.csv?day=").append(day).append("\">CSV</a>")
                .append("<a id=\"sales-month-csv\" href=\"/merchant/sales.csv?month=").append(YearMonth.from(day))
                .append("\">CSV of ").append(YearMonth.from(day)).append("</a></form>");
        Map<String, Euros> approvedPerPurse = new TreeMap<>();
        Map<String, Integer> countPerPurse = new TreeMap<>();
        for (Payment payment : payments) {
            if (payment.status() == PaymentStatus.APPROVED) {
                approvedPerPurse.merge(payment.purse().symbol(), payment.amount(), Euros::plus);
                countPerPurse.merge(payment.purse().symbol(), 1, Integer::sum);
            }
        }
        body.append("<h2>Approved per purse</h2>");
        if (approvedPerPurse.isEmpty()) {
            body.append("<p>No approved payments on ").append(day).append(".</p>");
        } else {
            body.append("<table id=\"purse-totals\"><thead><tr><th>Purse</th><th class=\"num\">Payments</th>")
                    .append("<th class=\"num\">Euros</th></tr></thead><tbody>");
            approvedPerPurse.forEach((purse, euros) -> body.append("<tr>").append(Html.cell("Purse", Html.text(purse)))
                    .append(Html.cell("Payments", Integer.toString(countPerPurse.get(purse))).replace("<td", "<td class=\"num\""))
                    .append(Html.cell("Euros", "€ " + euros.toDecimalString()).replace("<td", "<td class=\"num\""))
                    .append("</tr>"));
            body.append("</tbody></table>");
        }
        body.append("<h2>Payments</h2>");
        if (payments.isEmpty()) {
            body.append("<p>No payments on ").append(day).append(".</p>");
        } else {
            body.append("<table id=\"sales\"><thead><tr><th>Time</th><th>Reference</th><th>Purse</th>")
                    .append("<th class=\"num\">Euros</th><th>State</th><th>Payer</th></tr></thead><tbody>");
            for (Payment payment : payments) {
                body.append("<tr>")
                        .append(Html.cell("Time", TIME.format(payment.createdAt().atZone(settings.zone()))))
                        .append(Html.cell("Reference", "<span class=\"mono\">" + Html.text(payment.reference())
                                + "</span>"))
                        .append(Html.cell("Purse", payment.purse() == null ? "" : Html.text(payment.purse().symbol())))
                        .append(Html.cell("Euros", "€ " + payment.amount().toDecimalString())
                                .replace("<td", "<td class=\"num\""))
                        .append(Html.cell("State", state(payment)))
                        .append(Html.cell("Payer", payment.payer() == null ? "" : "<span class=\"mono\">"
                                + Html.text(payment.payer().hex()) + "</span>"))
                        .append("</tr>");
            }
            body.append("</tbody></table>");
            if (payments.size() == MAX_LISTED) {
                body.append("<p class=\"notice\">Only the newest ").append(MAX_LISTED).append(" are shown.</p>");
            }
        }
        html(ctx, 200, Html.page("Sales of " + day, session.csrfToken(), body.toString()));
    }

    /** In words: offline, waiting, settled, pending, failed and why, declined and why. */
    private String state(Payment payment) {
        StringBuilder state = new StringBuilder();
        switch (payment.status()) {
            case APPROVED -> {
                Payment.Settlement settlement = payment.settlement();
                switch (settlement.status()) {
                    case SETTLED -> state.append("<span class=\"state settled\">settled</span>");
                    case FAILED -> state.append("<span class=\"state failed\">settlement failed</span>")
                            .append(settlement.reason() == null ? "" : ": " + Html.text(settlement.reason()));
                    case PENDING, SUBMITTED -> state.append("<span class=\"state pending\">pending</span>");
                }
                if (settlement.txHash() != null) {
                    state.append(" ").append(txLink(payment.purse(), settlement.txHash()));
                }
            }
            case DECLINED -> state.append("<span class=\"state declined\">declined</span>: ")
                    .append(Html.text(payment.declineCode().name()))
                    .append(payment.declineReason() == null ? "" : " (" + Html.text(payment.declineReason()) + ")");
            default -> state.append("<span class=\"state other\">")
                    .append(Html.text(payment.status().name().toLowerCase(java.util.Locale.ROOT))).append("</span>");
        }
        if (payment.offline()) {
            state.append("<span class=\"badge\">offline</span>");
        }
        return state.toString();
    }

    private String txLink(Token purse, String txHash) {
        String url = purse == null ? null : settings.explorerTxUrls().get(purse.chainId());
        String shown = "<span class=\"mono\">" + Html.text(txHash) + "</span>";
        if (url == null || !TX_HASH.matcher(txHash).matches()) {
            return shown;
        }
        return "<a href=\"" + Html.text(url.replace("{hash}", txHash)) + "\" rel=\"noopener noreferrer\">" + shown
                + "</a>";
    }

    /** One day's payments ({@code ?day=}), or a whole month's ({@code ?month=}) for the bookkeeper. */
    private void salesCsv(Context ctx, Sessions.Session session) {
        String monthText = ctx.queryParam("month");
        LocalDate first;
        LocalDate end;
        String period;
        if (monthText != null && !monthText.isEmpty()) {
            YearMonth month = month(monthText);
            first = month.atDay(1);
            end = month.plusMonths(1).atDay(1);
            period = month.toString();
        } else {
            first = day(ctx.queryParam("day"));
            end = first.plusDays(1);
            period = first.toString();
        }
        List<Payment> payments = desk.list(first.atStartOfDay(settings.zone()).toInstant(),
                end.atStartOfDay(settings.zone()).toInstant(), MAX_CSV);
        StringBuilder csv = new StringBuilder();
        csvLine(csv, List.of("payment_id", "reference", "created_at", "decided_at", "status", "purse", "eur",
                "requested_eur", "offline", "method", "payer", "decline_code", "decline_reason", "settlement",
                "tx_hash", "settlement_reason"));
        for (Payment p : payments) {
            Payment.Settlement s = p.settlement();
            csvLine(csv, List.of(p.id(), p.reference(), p.createdAt().toString(),
                    p.decidedAt() == null ? "" : p.decidedAt().toString(), p.status().name(),
                    p.purse() == null ? "" : p.purse().symbol(), p.amount().toDecimalString(),
                    p.requested().toDecimalString(), Boolean.toString(p.offline()),
                    p.method() == null ? "" : p.method().name(), p.payer() == null ? "" : p.payer().hex(),
                    p.declineCode() == null ? "" : p.declineCode().name(),
                    p.declineReason() == null ? "" : p.declineReason(), s == null ? "" : s.status().name(),
                    s == null || s.txHash() == null ? "" : s.txHash(),
                    s == null || s.reason() == null ? "" : s.reason()));
        }
        ctx.status(200).contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"sales-" + period + ".csv\"")
                .result(csv.toString());
    }

    private static void csvLine(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(PayoutCsv.field(fields.get(i)));
        }
        csv.append("\r\n");
    }

    private List<Payment> paymentsOn(LocalDate day) {
        Instant from = day.atStartOfDay(settings.zone()).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(settings.zone()).toInstant();
        return desk.list(from, to, MAX_LISTED);
    }

    // ---- settlements and payout ----------------------------------------------------------------------------

    private void settlements(Context ctx, Sessions.Session session) {
        YearMonth month = month(ctx.queryParam("month"));
        List<PayoutStatement.SettledPayment> settled = reporting.reports().settledPayments(start(month),
                start(month.plusMonths(1)));
        StringBuilder body = new StringBuilder(monthPicker("/merchant/settlements", month));
        if (settled.isEmpty()) {
            body.append("<p>Nothing settled in ").append(month).append(".</p>");
        } else {
            body.append("<table id=\"settlements\"><thead><tr><th>Settled</th><th>Reference</th><th>Purse</th>")
                    .append("<th class=\"num\">Euros</th><th>Transaction</th></tr></thead><tbody>");
            for (PayoutStatement.SettledPayment payment : settled) {
                body.append("<tr>")
                        .append(Html.cell("Settled", DATE_TIME.format(payment.settledAt().atZone(settings.zone()))))
                        .append(Html.cell("Reference", "<span class=\"mono\">" + Html.text(payment.reference())
                                + "</span>"))
                        .append(Html.cell("Purse", Html.text(payment.purse().symbol())))
                        .append(Html.cell("Euros", "€ " + payment.euros().toDecimalString())
                                .replace("<td", "<td class=\"num\""))
                        .append(Html.cell("Transaction", payment.txHash() == null ? ""
                                : txLink(payment.purse(), payment.txHash())))
                        .append("</tr>");
            }
            body.append("</tbody></table>");
        }
        html(ctx, 200, Html.page("Settlements in " + month, session.csrfToken(), body.toString()));
    }

    private void payout(Context ctx, Sessions.Session session) {
        YearMonth month = month(ctx.queryParam("month"));
        PayoutStatement statement = statement(month);
        StringBuilder body = new StringBuilder(monthPicker("/merchant/payout", month));
        body.append("<p>What each issuer owes this shop in euros for payments settled from ")
                .append(DATE_TIME.format(statement.from().atZone(settings.zone()))).append(" up to ")
                .append(DATE_TIME.format(statement.to().atZone(settings.zone()))).append(". ")
                .append("<a id=\"payout-csv\" href=\"/merchant/payout.csv?month=").append(month)
                .append("\">CSV</a></p>");
        body.append("<h2>Per issuer</h2>");
        if (statement.owedByIssuer().isEmpty()) {
            body.append("<p>No purse had payments in this period.</p>");
        } else {
            body.append("<table id=\"payout-issuers\"><thead><tr><th>Issuer</th><th class=\"num\">Payments</th>")
                    .append("<th class=\"num\">Owed</th></tr></thead><tbody>");
            statement.owedByIssuer().forEach((issuer, owed) -> body.append("<tr>")
                    .append(Html.cell("Issuer", "<span class=\"mono\">" + Html.text(issuer) + "</span>"))
                    .append(Html.cell("Payments", Long.toString(owed.count())).replace("<td", "<td class=\"num\""))
                    .append(Html.cell("Owed", "€ " + owed.euros().toDecimalString())
                            .replace("<td", "<td class=\"num\""))
                    .append("</tr>"));
            body.append("</tbody></table>");
        }
        body.append("<h2>Per purse</h2>");
        if (!statement.purses().isEmpty()) {
            body.append("<table id=\"payout-purses\"><thead><tr><th>Purse</th><th class=\"num\">Settled</th>")
                    .append("<th class=\"num\">Not yet settled</th><th class=\"num\">Failed</th></tr></thead><tbody>");
            for (PayoutStatement.PurseLine line : statement.purses()) {
                body.append("<tr>").append(Html.cell("Purse", Html.text(line.purse().symbol())))
                        .append(Html.cell("Settled", tally(line.figures().settled())).replace("<td", "<td class=\"num\""))
                        .append(Html.cell("Not yet settled", tally(line.figures().pending()))
                                .replace("<td", "<td class=\"num\""))
                        .append(Html.cell("Failed", tally(line.figures().failed())).replace("<td", "<td class=\"num\""))
                        .append("</tr>");
            }
            body.append("</tbody></table>");
        }
        html(ctx, 200, Html.page("Payout statement " + month, session.csrfToken(), body.toString()));
    }

    private static String tally(nl.heitje.terminal.domain.Tally tally) {
        return "€ " + tally.euros().toDecimalString() + " (" + tally.count() + ")";
    }

    private void payoutCsv(Context ctx, Sessions.Session session) {
        PayoutStatement statement = statement(month(ctx.queryParam("month")));
        ctx.status(200).contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + PayoutCsv.fileName(statement, false) + "\"")
                .result(PayoutCsv.purses(statement));
    }

    private PayoutStatement statement(YearMonth month) {
        Instant from = start(month);
        Instant to = start(month.plusMonths(1));
        return PayoutStatement.of(reporting.merchant(), reporting.issuers(), from, to,
                reporting.reports().payoutFigures(from, to), reporting.reports().settledPayments(from, to));
    }

    // ---- failed settlements --------------------------------------------------------------------------------

    private void failed(Context ctx, Sessions.Session session) {
        List<Payment> failed = journal.lossesToAcknowledge(MAX_LISTED);
        StringBuilder body = new StringBuilder();
        String done = ctx.queryParam("acknowledged");
        String already = ctx.queryParam("already");
        if (done != null) {
            body.append("<p class=\"notice\" id=\"acknowledged\">The loss of payment ").append(Html.text(done))
                    .append(" is acknowledged.</p>");
        }
        if (already != null) {
            body.append("<p class=\"notice\">Payment ").append(Html.text(already))
                    .append(" has no loss left to acknowledge.</p>");
        }
        body.append("<p>A failed settlement means the payer's tokens never reached this shop. Acknowledging it says"
                + " you have seen it; it clears the terminal's warning and, for a payment taken offline, frees its"
                + " room in the offline limits.</p>");
        if (failed.isEmpty()) {
            body.append("<p>No failed settlement is waiting to be acknowledged.</p>");
        } else {
            body.append("<table id=\"failed\"><thead><tr><th>Taken</th><th>Reference</th><th class=\"num\">Euros</th>")
                    .append("<th>Why</th><th></th></tr></thead><tbody>");
            for (Payment payment : failed) {
                body.append("<tr>")
                        .append(Html.cell("Taken", DATE_TIME.format(payment.createdAt().atZone(settings.zone()))))
                        .append(Html.cell("Reference", "<span class=\"mono\">" + Html.text(payment.reference())
                                + "</span>"))
                        .append(Html.cell("Euros", "€ " + payment.amount().toDecimalString() + " "
                                + Html.text(payment.purse().symbol())).replace("<td", "<td class=\"num\""))
                        .append(Html.cell("Why", Html.text(payment.settlement().reason())
                                + (payment.offline() ? "<span class=\"badge\">offline</span>" : "")))
                        .append(Html.cell("", "<form method=\"post\" action=\"/merchant/failed/"
                                + Html.text(urlPart(payment.id())) + "/acknowledge\">"
                                + Html.csrfField(session.csrfToken())
                                + "<button type=\"submit\">Acknowledge</button></form>"))
                        .append("</tr>");
            }
            body.append("</tbody></table>");
        }
        html(ctx, 200, Html.page("Failed settlements", session.csrfToken(), body.toString()));
    }

    private void acknowledge(Context ctx, Sessions.Session session) {
        String id = ctx.pathParam("id");
        String outcome;
        try {
            desk.acknowledgeLoss(id);
            LOG.info("merchant acknowledged the loss of payment " + id);
            outcome = "acknowledged";
        } catch (PaymentDesk.NotFoundException | PaymentDesk.NotWaitingException nothing) {
            outcome = "already";
        }
        ctx.redirect("/merchant/failed?" + outcome + "=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8),
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private static String urlPart(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private String monthPicker(String path, YearMonth month) {
        return "<form class=\"period\" method=\"get\" action=\"" + path + "\">"
                + "<a href=\"" + path + "?month=" + month.minusMonths(1) + "\">&larr; " + month.minusMonths(1) + "</a>"
                + "<input type=\"month\" name=\"month\" value=\"" + month + "\">"
                + "<button type=\"submit\">Show</button>"
                + "<a href=\"" + path + "?month=" + month.plusMonths(1) + "\">" + month.plusMonths(1) + " &rarr;</a>"
                + "</form>";
    }

    private Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(settings.zone()).toInstant();
    }

    private LocalDate day(String text) {
        if (text == null || text.isEmpty()) {
            return reporting.clock().instant().atZone(settings.zone()).toLocalDate();
        }
        try {
            LocalDate day = LocalDate.parse(text);
            if (day.getYear() < 1970 || day.getYear() > 9999) {
                throw new BadInput("a day between 1970 and 9999, please");
            }
            return day;
        } catch (DateTimeParseException e) {
            throw new BadInput("a day is written like 2026-11-02");
        }
    }

    private YearMonth month(String text) {
        if (text == null || text.isEmpty()) {
            return YearMonth.from(reporting.clock().instant().atZone(settings.zone()));
        }
        try {
            YearMonth month = YearMonth.parse(text);
            if (month.getYear() < 1970 || month.getYear() > 9999) {
                throw new BadInput("a month between 1970 and 9999, please");
            }
            return month;
        } catch (DateTimeParseException e) {
            throw new BadInput("a month is written like 2026-11");
        }
    }

    private static void html(Context ctx, int status, String page) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(page);
    }

    private static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }
}
