// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a careless or hostile caller on the shop's network may send. Whatever it is: a 4xx with our error body
 * (never a 5xx, never Javalin's or Jetty's own text), and no payment.
 */
class JavalinTillApiAbuseTest {
    private static final String TOKEN = "till-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SqliteJournal journal;
    private JavalinTillApi api;
    private String base;

    @BeforeEach
    void start() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        FakeChainReader chain = new FakeChainReader();
        Connectivity connectivity = new Connectivity(chain, clock);
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(),
                new FakeHolderBalances(), clock);
        PaymentDesk desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
        var settings = new JavalinTillApi.Settings("127.0.0.1", 0, TOKEN, new Euros(250_00));
        api = new JavalinTillApi(settings, desk, () -> Map.of("status", "UP")).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterEach
    void stop() {
        api.close();
        journal.close();
    }

    static Stream<String> abusiveBodies() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String deepObject = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        return Stream.of(
                "", " ", "{", "}", "[]", "null", "true", "42", "\"4.50\"", "{\"amount\":", "\u0000\u0001\u0002",
                "{\"amount\": \"4.50\", \"reference\": \"x\"", "{'amount': '4.50', 'reference': 'x'}",
                "{\"amount\": 4.50, \"reference\": \"till-1\"}",
                "{\"amount\": \"4.50\", \"reference\": 42}",
                "{\"amount\": [\"4.50\"], \"reference\": \"till-1\"}",
                "{\"amount\": {\"value\": \"4.50\"}, \"reference\": \"till-1\"}",
                "{\"amount\": null, \"reference\": \"till-1\"}",
                "{\"amount\": \"4.50\"}",
                "{\"reference\": \"till-1\"}",
                "{\"amount\": \"-4.50\", \"reference\": \"till-1\"}",
                "{\"amount\": \"-0\", \"reference\": \"till-1\"}",
                "{\"amount\": \"0\", \"reference\": \"till-1\"}",
                "{\"amount\": \"0.00\", \"reference\": \"till-1\"}",
                "{\"amount\": \"4.505\", \"reference\": \"till-1\"}",
                "{\"amount\": \"0.001\", \"reference\": \"till-1\"}",
                "{\"amount\": \"1e3\", \"reference\": \"till-1\"}",
                "{\"amount\": \"NaN\", \"reference\": \"till-1\"}",
                "{\"amount\": \"Infinity\", \"reference\": \"till-1\"}",
                "{\"amount\": \"4,50\", \"reference\": \"till-1\"}",
                "{\"amount\": \" 4.50\", \"reference\": \"till-1\"}",
                "{\"amount\": \"+4.50\", \"reference\": \"till-1\"}",
                "{\"amount\": \"0x10\", \"reference\": \"till-1\"}",
                "{\"amount\": \"\u0664.50\", \"reference\": \"till-1\"}",
                "{\"amount\": \"250.01\", \"reference\": \"till-1\"}",
                "{\"amount\": \"99999999999999999999999999999999.00\", \"reference\": \"till-1\"}",
                "{\"amount\": \"" + "9".repeat(5000) + "\", \"reference\": \"till-1\"}",
                "{\"amount\": \"4.50\", \"reference\": \"\"}",
                "{\"amount\": \"4.50\", \"reference\": \"till 1\"}",
                "{\"amount\": \"4.50\", \"reference\": \"t\u00e9l\"}",
                "{\"amount\": \"4.50\", \"reference\": \"" + "r".repeat(100_000) + "\"}",
                "{\"amount\": \"4.50\", \"reference\": \"till-1\", \"basket\": \"food\"}",
                "{\"amount\": \"4.50\", \"reference\": \"till-1\", \"basket\": [" + deep + "]}",
                "{\"amount\": \"4.50\", \"reference\": \"till-1\", \"purses\": [\"NOPE\"]}",
                "{\"amount\": \"4.50\", \"reference\": \"till-1\", \"purses\": " + deepObject + "}",
                deep, deepObject);
    }

    @ParameterizedTest
    @MethodSource("abusiveBodies")
    void refusesAnAbusiveBodyWithOurErrorAndNoPayment(String body) throws Exception {
        Answer answer = send(authorized("/api/v1/payments").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertRefused(answer);
    }

    @Test
    void refusesAnOversizedBodyWithOurError413() throws Exception {
        String body = "{\"amount\": \"4.50\", \"reference\": \"till-1\", \"pad\": \"" + "x".repeat(2_000_000) + "\"}";

        Answer answer = send(authorized("/api/v1/payments").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertEquals(413, answer.status(), answer.body());
        assertRefused(answer);
    }

    @Test
    void refusesAnOversizedBodyWithoutAValidTokenAs401() throws Exception {
        String body = "x".repeat(2_000_000);

        Answer answer = send(HttpRequest.newBuilder(uri("/api/v1/payments")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertTrue(answer.status() == 401 || answer.status() == 413, answer.status() + " " + answer.body());
        assertRefused(answer);
    }

    static Stream<Arguments> wrongContentTypes() {
        return Stream.of(Arguments.of("text/plain"), Arguments.of("application/x-www-form-urlencoded"),
                Arguments.of("multipart/form-data; boundary=x"), Arguments.of("application/xml"),
                Arguments.of("nonsense"));
    }

    @ParameterizedTest
    @MethodSource("wrongContentTypes")
    void refusesABodyDeclaredAsSomethingOtherThanJson(String contentType) throws Exception {
        Answer answer = send(authorized("/api/v1/payments").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"4.50\", \"reference\": \"till-1\"}")));

        assertEquals(415, answer.status(), answer.body());
        assertRefused(answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer wrong", "bearer " + TOKEN, "Basic dGlsbDp4",
            "Bearer  " + TOKEN, TOKEN})
    void refusesAMissingOrWrongTokenAs401(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/payments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"4.50\", \"reference\": \"till-1\"}"));
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }

        Answer answer = send(request);

        assertEquals(401, answer.status(), answer.body());
        assertRefused(answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999-01-01T00:00:00Z", "+99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z", "-1", "0", "1700000000", "+1000000000-12-31T23:59:59Z", "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-11-28", "2026-11-28T10:00:00", "2026-11-28T25:00:00Z", "now",
            "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00+99:00", "\u0000"})
    void refusesAnOutOfRangeOrUnreadableDateInTheListAs400(String date) throws Exception {
        for (String name : List.of("from", "to")) {
            Answer answer = send(authorized("/api/v1/payments?" + name + "="
                    + URLEncoder.encode(date, StandardCharsets.UTF_8)).GET());

            assertEquals(400, answer.status(), name + "=" + date + ": " + answer.body());
            assertRefused(answer);
        }
    }

    @Test
    void refusesAListWhoseFromIsAfterItsTo() throws Exception {
        Answer answer = send(authorized("/api/v1/payments?from=2026-11-29T00:00:00Z&to=2026-11-28T00:00:00Z").GET());

        assertEquals(400, answer.status(), answer.body());
        assertRefused(answer);
    }

    @Test
    void answersAnUnknownRouteWithOur404() throws Exception {
        Answer answer = send(authorized("/api/v1/nothing-here").GET());

        assertEquals(404, answer.status(), answer.body());
        assertRefused(answer);
        assertEquals("NOT_FOUND", answer.json().get("error").asText());
    }

    @Test
    void answersAWrongMethodWithOur405() throws Exception {
        Answer answer = send(authorized("/api/v1/payments").DELETE());

        assertEquals(405, answer.status(), answer.body());
        assertRefused(answer);
        assertEquals("METHOD_NOT_ALLOWED", answer.json().get("error").asText());
    }

    @Test
    void answersAHugeReferenceInTheQueryWithOurError() throws Exception {
        Answer answer = send(authorized("/api/v1/payments?reference=" + "r".repeat(20_000)).GET());

        assertRefused(answer);
    }

    @Test
    void answersAHugeHeaderWithOurError() throws Exception {
        Answer answer = send(authorized("/api/v1/payments").header("X-Padding", "p".repeat(20_000)).GET());

        assertRefused(answer);
    }

    @Test
    void answersAHugePaymentIdWithOurError() throws Exception {
        Answer answer = send(authorized("/api/v1/payments/" + "a".repeat(5_000)).GET());

        assertEquals(404, answer.status(), answer.body());
        assertRefused(answer);
    }

    @Test
    void refusesAnAbusiveCancelAndVoidOfNoPayment() throws Exception {
        for (String path : List.of("/api/v1/payments/nope/cancel", "/api/v1/payments/nope/void",
                "/api/v1/payments/%00/void", "/api/v1/payments/..%2F..%2Fetc/cancel")) {
            // A fresh connection each: Jetty closes one after refusing a path it cannot read.
            HttpResponse<String> response = HttpClient.newHttpClient().send(authorized(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertRefused(new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("")));
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    /** A 4xx, our error body with a code, and still no payment in the journal. */
    private void assertRefused(Answer answer) throws Exception {
        assertTrue(answer.status() >= 400 && answer.status() < 500, answer.status() + " " + abbreviated(answer.body()));
        assertTrue(answer.contentType().startsWith("application/json"), "content type " + answer.contentType()
                + " of " + abbreviated(answer.body()));
        JsonNode json = JSON.readTree(answer.body());
        assertTrue(json.path("error").isTextual() && !json.path("error").asText().isEmpty(), answer.body());
        assertTrue(json.path("message").isTextual(), answer.body());
        assertEquals(List.of(), journal.list(Instant.EPOCH, Instant.now().plus(1, ChronoUnit.DAYS), 10));
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private record Answer(int status, String body, String contentType) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type").orElse(""));
    }
}
