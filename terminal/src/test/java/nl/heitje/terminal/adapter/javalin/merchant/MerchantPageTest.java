// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import nl.heitje.terminal.domain.Payment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merchant's web page over plain HTTP: log-in, sessions, CSRF, escaping and what the pages say. */
class MerchantPageTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;
    private MerchantShop shop;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void open() {
        shop = new MerchantShop(dir);
    }

    @AfterEach
    void close() {
        shop.close();
    }

    @Test
    void sendsSomeoneWithoutASessionToTheLogInPage() throws Exception {
        for (String path : List.of("/merchant/sales", "/merchant/sales.csv", "/merchant/payout",
                "/merchant/payout.csv", "/merchant/settlements", "/merchant/failed")) {
            HttpResponse<String> answer = get(path, null);
            assertEquals(303, answer.statusCode(), path);
            assertEquals("/merchant/login", answer.headers().firstValue("Location").orElse(""), path);
        }
    }

    @Test
    void logsInWithTheRightPasswordIntoAStrictHttpOnlySessionCookie() throws Exception {
        HttpResponse<String> answer = logIn(MerchantShop.PASSWORD);

        assertEquals(303, answer.statusCode());
        assertEquals("/merchant/sales", answer.headers().firstValue("Location").orElse(""));
        String cookie = answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(MerchantPage.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("; HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Strict"), cookie);
        assertTrue(cookie.contains("; Path=/merchant"), cookie);
        assertFalse(cookie.contains("Secure"), "plain HTTP on loopback: a Secure cookie would never come back");
        assertEquals(200, get("/merchant/sales", session(answer)).statusCode());
    }

    @Test
    void refusesAWrongPasswordAndThenSlowsDownTheGuessing() throws Exception {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            HttpResponse<String> wrong = logIn("guess-" + i);
            assertEquals(401, wrong.statusCode());
            assertTrue(sessionCookie(wrong).isEmpty());
        }

        HttpResponse<String> right = logIn(MerchantShop.PASSWORD);
        assertEquals(429, right.statusCode(), "even the right password waits its turn");
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        assertTrue(sessionCookie(right).isEmpty());

        shop.clock.advance(Duration.ofSeconds(3));
        assertEquals(303, logIn(MerchantShop.PASSWORD).statusCode());
    }

    @Test
    void refusesALogInThatDidNotComeFromItsOwnForm() throws Exception {
        HttpResponse<String> answer = post("/merchant/login", Map.of("password", MerchantShop.PASSWORD,
                "csrf", "made-up"), null, Optional.empty());

        assertEquals(403, answer.statusCode());
        assertTrue(sessionCookie(answer).isEmpty());
    }

    @Test
    void endsASessionLeftIdleAndOneTooOldHoweverBusy() throws Exception {
        String idle = session(logIn(MerchantShop.PASSWORD));
        shop.clock.advance(Duration.ofMinutes(14));
        assertEquals(200, get("/merchant/sales", idle).statusCode());
        shop.clock.advance(Duration.ofMinutes(15));
        assertEquals(303, get("/merchant/sales", idle).statusCode(), "15 minutes unused");

        String busy = session(logIn(MerchantShop.PASSWORD));
        for (int i = 0; i < 12 * 6 - 1; i++) {
            shop.clock.advance(Duration.ofMinutes(10));
            assertEquals(200, get("/merchant/sales", busy).statusCode(), "after " + (i + 1) * 10 + " minutes");
        }
        shop.clock.advance(Duration.ofMinutes(10));
        assertEquals(303, get("/merchant/sales", busy).statusCode(), "12 hours after the log-in");
    }

    @Test
    void logsOutOnlyWithTheSessionsToken() throws Exception {
        String session = session(logIn(MerchantShop.PASSWORD));
        String token = csrf(get("/merchant/sales", session).body());

        assertEquals(403, post("/merchant/logout", Map.of("csrf", "forged"), session, Optional.empty()).statusCode());
        assertEquals(200, get("/merchant/sales", session).statusCode(), "still logged in");
        assertEquals(403, post("/merchant/logout", Map.of("csrf", token), session,
                Optional.of("https://evil.example")).statusCode(), "a form from another site");

        assertEquals(303, post("/merchant/logout", Map.of("csrf", token), session, Optional.empty()).statusCode());
        assertEquals(303, get("/merchant/sales", session).statusCode(), "the session is gone");
    }

    @Test
    void escapesWhatOutsidersWroteIntoTheSalesPage() throws Exception {
        shop.aDayOfBusiness();
        String session = session(logIn(MerchantShop.PASSWORD));

        HttpResponse<String> page = get("/merchant/sales?day=2026-11-02", session);

        assertEquals(200, page.statusCode());
        String html = page.body();
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>spent"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;ref&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
    }

    @Test
    void listsTheDaysSalesWithTheirStateAndLinksTheSettlementToTheExplorer() throws Exception {
        shop.aDayOfBusiness();
        String session = session(logIn(MerchantShop.PASSWORD));

        String html = get("/merchant/sales?day=2026-11-02", session).body();

        assertTrue(html.contains("till-1001"), html);
        assertTrue(html.contains("<span class=\"state settled\">settled</span>"), html);
        assertTrue(html.contains("href=\"https://explorer.example/tx/0x" + "ab".repeat(32) + "\""), html);
        assertTrue(html.contains("<span class=\"state pending\">pending</span><span class=\"badge\">offline</span>"),
                html);
        assertTrue(html.contains("settlement failed</span>: nonce &lt;b&gt;spent&lt;/b&gt; elsewhere"), html);
        assertTrue(html.contains("declined</span>: INSUFFICIENT_FUNDS"), html);
        assertTrue(html.contains("€ 25.25"), "approved HEIT: 4.50 + 12.75 + 8.00\n" + html);
        assertFalse(get("/merchant/sales?day=2026-11-01", session).body().contains("till-1001"));
    }

    @Test
    void exportsTheDaysSalesAsCsvWithFormulasDisarmed() throws Exception {
        shop.aDayOfBusiness();
        shop.approve(100, "=HYPERLINK(\"x\")", false, MerchantShop.START);
        String session = session(logIn(MerchantShop.PASSWORD));

        HttpResponse<String> csv = get("/merchant/sales.csv?day=2026-11-02", session);

        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals("attachment; filename=\"sales-2026-11-02.csv\"",
                csv.headers().firstValue("Content-Disposition").orElse(""));
        List<String> lines = List.of(csv.body().split("\r\n"));
        assertEquals(6, lines.size(), csv.body());
        assertTrue(lines.get(0).startsWith("payment_id,reference,created_at,"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",till-1001,") && l.contains(",SETTLED,0x" + "ab".repeat(32))),
                csv.body());
        assertTrue(lines.stream().anyMatch(l -> l.contains(",\"'=HYPERLINK(\"\"x\"\")\",")), csv.body());
        shop.approve(250, "till-next-day", false, MerchantShop.START.plus(Duration.ofDays(1)));
        shop.approve(175, "till-next-month", false, MerchantShop.START.plus(Duration.ofDays(30)));
        HttpResponse<String> month = get("/merchant/sales.csv?month=2026-11", session);
        assertEquals("attachment; filename=\"sales-2026-11.csv\"",
                month.headers().firstValue("Content-Disposition").orElse(""));
        assertEquals(7, month.body().split("\r\n").length, month.body());
        assertTrue(month.body().contains(",till-next-day,") && !month.body().contains("till-next-month"), month.body());
    }

    @Test
    void statesThePayoutPerIssuerAndPurseAndOffersItsCsv() throws Exception {
        shop.aDayOfBusiness();
        String session = session(logIn(MerchantShop.PASSWORD));

        String html = get("/merchant/payout?month=2026-11", session).body();
        HttpResponse<String> csv = get("/merchant/payout.csv?month=2026-11", session);

        assertTrue(html.contains("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), html);
        assertTrue(html.contains("€ 4.50"), html);
        assertTrue(html.contains("€ 12.75 (1)"), "the offline payment not yet settled\n" + html);
        assertTrue(html.contains("€ 8.00 (1)"), "the failed one\n" + html);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().contains("\r\nfrom,2026-10-31T23:00:00Z\r\n"), csv.body());
        assertTrue(csv.body().contains(",HEIT,"), csv.body());
    }

    @Test
    void acknowledgesAFailedSettlementOnceWithTheSessionsToken() throws Exception {
        shop.aDayOfBusiness();
        String session = session(logIn(MerchantShop.PASSWORD));
        String failedPage = get("/merchant/failed", session).body();
        assertTrue(failedPage.contains("till-1004"), failedPage);
        assertEquals(1, shop.journal.unacknowledgedLosses());
        Matcher action = Pattern.compile("action=\"(/merchant/failed/[^\"]+/acknowledge)\"").matcher(failedPage);
        assertTrue(action.find(), failedPage);

        assertEquals(403, post(action.group(1), Map.of(), session, Optional.empty()).statusCode());
        assertEquals(1, shop.journal.unacknowledgedLosses(), "no token, no acknowledgement");
        HttpResponse<String> done = post(action.group(1), Map.of("csrf", csrf(failedPage)), session, Optional.empty());

        assertEquals(303, done.statusCode());
        assertTrue(done.headers().firstValue("Location").orElse("").startsWith("/merchant/failed?acknowledged="));
        assertEquals(0, shop.journal.unacknowledgedLosses());
        assertFalse(get("/merchant/failed", session).body().contains("till-1004"), "nothing left to acknowledge");
        assertEquals(303, post(action.group(1), Map.of("csrf", csrf(failedPage)), session, Optional.empty())
                .statusCode(), "a second press only says so");
    }

    @Test
    void answersAnUnreadableDayWithA400Page() throws Exception {
        String session = session(logIn(MerchantShop.PASSWORD));

        HttpResponse<String> answer = get("/merchant/sales?day=%3Cscript%3E", session);

        assertEquals(400, answer.statusCode());
        assertFalse(answer.body().contains("<script"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private HttpResponse<String> logIn(String password) throws Exception {
        HttpResponse<String> form = get("/merchant/login", null);
        String loginCookie = form.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(MerchantPage.LOGIN_COOKIE + "=")).findFirst().orElseThrow();
        String cookie = loginCookie.substring(0, loginCookie.indexOf(';'));
        return post("/merchant/login", Map.of("password", password, "csrf", csrf(form.body())), cookie,
                Optional.empty());
    }

    private static Optional<String> sessionCookie(HttpResponse<String> answer) {
        return answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(MerchantPage.SESSION_COOKIE + "=")).map(c -> c.substring(0, c.indexOf(';')))
                .findFirst();
    }

    private static String session(HttpResponse<String> loggedIn) {
        return sessionCookie(loggedIn).orElseThrow(() -> new AssertionError("not logged in: " + loggedIn.statusCode()));
    }

    private static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertTrue(matcher.find(), html);
        return matcher.group(1);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shop.base() + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form, String cookie, Optional<String> origin)
            throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shop.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        origin.ifPresent(o -> request.header("Origin", o));
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
