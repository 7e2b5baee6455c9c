// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.app.ApprovalGate;
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
import org.junit.jupiter.params.provider.ValueSource;

class JavalinTillApiTest {
    private static final String TOKEN = "till-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    // Near real time: the list call's default upper bound is the real clock.
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
        api = new JavalinTillApi(settings, desk, () -> {
            Map<String, Object> health = new LinkedHashMap<>();
            health.put("status", "UP");
            health.put("online", connectivity.isOnline());
            health.put("pendingSettlement", journal.unsettledCount());
            return health;
        }).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterEach
    void stop() {
        api.close();
        journal.close();
    }

    @Test
    void refusesACallWithoutBearerToken() throws Exception {
        Answer answer = send(HttpRequest.newBuilder(uri("/api/v1/payments")).GET());

        assertEquals(401, answer.status());
        assertEquals("UNAUTHORIZED", answer.json().get("error").asText());
    }

    @Test
    void refusesACallWithTheWrongBearerToken() throws Exception {
        Answer wrong = send(HttpRequest.newBuilder(uri("/api/v1/payments")).header("Authorization", "Bearer nope").GET());
        Answer prefix = send(HttpRequest.newBuilder(uri("/api/v1/payments"))
                .header("Authorization", "Bearer " + TOKEN.substring(0, 10)).GET());
        Answer basic = send(HttpRequest.newBuilder(uri("/api/v1/payments")).header("Authorization", TOKEN).GET());

        assertEquals(401, wrong.status());
        assertEquals(401, prefix.status());
        assertEquals(401, basic.status());
    }

    @Test
    void refusesToCreateAPaymentWithoutToken() throws Exception {
        Answer answer = send(HttpRequest.newBuilder(uri("/api/v1/payments"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"4.50\",\"reference\":\"till-1\"}")));

        assertEquals(401, answer.status());
        assertEquals(0, journal.list(Instant.EPOCH, Instant.now().plusSeconds(3600), 10).size(), "nothing created");
    }

    @Test
    void answersOnlyWhetherItIsUpWithoutTokenAndEverythingWithIt() throws Exception {
        Answer anonymous = send(HttpRequest.newBuilder(uri("/api/v1/health")).GET());
        Answer authorized = send(authorized("/api/v1/health").GET());

        assertEquals(200, anonymous.status());
        assertEquals("UP", anonymous.json().get("status").asText());
        assertEquals(1, anonymous.json().size(), "nothing else for the shop's network: " + anonymous.body());
        assertEquals(200, authorized.status());
        assertFalse(authorized.json().get("online").asBoolean());
        assertEquals(0, authorized.json().get("pendingSettlement").asInt());
    }

    @Test
    void findsAPaymentByTheTillsOwnReference() throws Exception {
        String id = create("4.50", "till-mine").json().get("id").asText();
        post("/api/v1/payments/" + id + "/cancel", "");
        create("1.00", "till-other");

        Answer found = send(authorized("/api/v1/payments?reference=till-mine").GET());

        assertEquals(1, found.json().get("payments").size());
        assertEquals(id, found.json().get("payments").get(0).get("id").asText());
    }

    @Test
    void createsAWaitingPayment() throws Exception {
        Answer answer = create("4.50", "till-0042");

        assertEquals(201, answer.status());
        JsonNode payment = answer.json();
        assertEquals("WAITING", payment.get("status").asText());
        assertEquals("4.50", payment.get("amount").asText());
        assertEquals("till-0042", payment.get("reference").asText());
        assertEquals("HEIT", payment.get("token").asText());
        assertTrue(payment.get("declineCode").isNull());
        assertFalse(payment.get("offline").asBoolean());
        assertTrue(answer.contentType().startsWith("application/json"));

        Answer read = send(authorized("/api/v1/payments/" + payment.get("id").asText()).GET());
        assertEquals(200, read.status());
        assertEquals(payment, read.json());
    }

    @Test
    void refusesASecondPaymentWhileOneWaits() throws Exception {
        String waiting = create("4.50", "till-1").json().get("id").asText();

        Answer busy = create("1.00", "till-2");

        assertEquals(409, busy.status());
        assertEquals("BUSY", busy.json().get("error").asText());
        assertTrue(busy.json().get("message").asText().contains(waiting));
    }

    @Test
    void answersARetryOfTheSameRequestWithTheSamePayment() throws Exception {
        Answer first = create("4.50", "till-7");

        Answer retry = create("4.50", "till-7");

        assertEquals(200, retry.status());
        assertEquals(first.json().get("id"), retry.json().get("id"));
        assertEquals(1, journal.list(Instant.EPOCH, Instant.now().plusSeconds(3600), 10).size());
    }

    @Test
    void refusesAReferenceReusedForAnotherAmount() throws Exception {
        create("4.50", "till-8");

        Answer conflict = create("4.51", "till-8");

        assertEquals(409, conflict.status());
        assertEquals("REFERENCE_CONFLICT", conflict.json().get("error").asText());
    }

    @ParameterizedTest(name = "amount \"{0}\"")
    @ValueSource(strings = {"4.5.0", "-1", "1e3", "4.501", "0", "0.00", "", " 4.50", "4,50", "+4.50", "4.", ".5",
            "250.01", "99999999999999999999"})
    void refusesAnInvalidAmountWithAnErrorObject(String amount) throws Exception {
        Answer answer = create(amount, "till-bad");

        assertEquals(400, answer.status());
        assertTrue(answer.json().hasNonNull("error"));
        assertTrue(answer.json().hasNonNull("message"));
        assertEquals(0, journal.list(Instant.EPOCH, Instant.now().plusSeconds(3600), 10).size());
    }

    @Test
    void takesABasketAndThePursesAndAnswersWhatEachMayPay() throws Exception {
        Answer answer = post("/api/v1/payments", "{\"amount\": \"10.00\", \"reference\": \"till-basket\","
                + " \"purses\": [\"HEIT\"], \"basket\": [{\"category\": \"energy-saving\", \"amount\": \"6.00\"},"
                + " {\"category\": \"food\", \"amount\": \"4\"}]}");

        assertEquals(201, answer.status(), answer.body());
        JsonNode payment = answer.json();
        assertEquals("10.00", payment.get("requestedAmount").asText());
        assertTrue(payment.get("remaining").isNull(), "nothing is decided while it waits");
        assertEquals("HEIT", payment.get("purse").asText(), "the one purse offered is known from the start");
        assertEquals("10.00", payment.get("eligible").get("HEIT").asText());
        assertEquals("food", payment.get("basket").get(1).get("category").asText());
        assertEquals("4.00", payment.get("basket").get(1).get("amount").asText());
    }

    @ParameterizedTest(name = "basket {0}")
    @ValueSource(strings = {"[]", "{}", "\"food\"", "[{\"category\": \"food\", \"amount\": \"4.00\"}]",
            "[{\"category\": \"Food\", \"amount\": \"4.50\"}]", "[{\"category\": \"food\", \"amount\": 4.50}]",
            "[{\"category\": \"food\", \"amount\": \"0\"}, {\"category\": \"x\", \"amount\": \"4.50\"}]",
            "[{\"category\": \"food\", \"amount\": \"4.50\", \"vat\": \"21\"}]",
            "[{\"category\": \"food\", \"amount\": \"-4.50\"}, {\"category\": \"x\", \"amount\": \"9.00\"}]",
            "[{\"category\": \"\", \"amount\": \"4.50\"}]", "[null]"})
    void refusesABasketThatIsMalformedOrDoesNotAddUp(String basket) throws Exception {
        Answer answer = post("/api/v1/payments", "{\"amount\": \"4.50\", \"reference\": \"till-b\", \"basket\": "
                + basket + "}");

        assertEquals(400, answer.status(), answer.body());
        assertEquals("INVALID_BASKET", answer.json().get("error").asText());
        assertEquals(0, journal.list(Instant.EPOCH, Instant.now().plusSeconds(3600), 10).size());
    }

    @ParameterizedTest(name = "purses {0}")
    @ValueSource(strings = {"[]", "\"HEIT\"", "[\"HEIT\", \"HEIT\"]", "[1]", "{}"})
    void refusesMalformedPurses(String purses) throws Exception {
        Answer answer = post("/api/v1/payments", "{\"amount\": \"4.50\", \"reference\": \"till-p\", \"purses\": "
                + purses + "}");

        assertEquals(400, answer.status(), answer.body());
        assertEquals("INVALID_PURSES", answer.json().get("error").asText());
    }

    @Test
    void refusesAPurseThisTerminalDoesNotTakeByName() throws Exception {
        Answer answer = post("/api/v1/payments", "{\"amount\": \"4.50\", \"reference\": \"till-p\","
                + " \"purses\": [\"HEIT\", \"DOGE\"]}");

        assertEquals(400, answer.status(), answer.body());
        assertEquals("UNKNOWN_PURSE", answer.json().get("error").asText());
        assertTrue(answer.json().get("message").asText().contains("DOGE"));
        assertEquals(0, journal.list(Instant.EPOCH, Instant.now().plusSeconds(3600), 10).size());
    }

    @Test
    void refusesAnAmountAboveTheMaximumByName() throws Exception {
        Answer answer = create("250.01", "till-big");

        assertEquals("AMOUNT_TOO_LARGE", answer.json().get("error").asText());
        assertEquals(201, create("250.00", "till-max").status());
    }

    @Test
    void refusesAnAmountSentAsAJsonNumber() throws Exception {
        Answer answer = post("/api/v1/payments", "{\"amount\": 4.5, \"reference\": \"till-float\"}");

        assertEquals(400, answer.status());
        assertEquals("BAD_REQUEST", answer.json().get("error").asText());
        assertTrue(answer.json().get("message").asText().contains("amount"));
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"{\"amount\": \"4.50\", ", "not json", "[1,2]", "\"4.50\"", "null", "",
            "{\"amount\": \"4.50\"}", "{\"reference\": \"till-1\"}", "{\"amount\": \"4.50\", \"reference\": 42}"})
    void refusesAMalformedBodyWithA400NotA500(String body) throws Exception {
        Answer answer = post("/api/v1/payments", body);

        assertEquals(400, answer.status(), answer.body());
        assertTrue(answer.json().hasNonNull("error"));
        assertTrue(answer.json().hasNonNull("message"));
    }

    @Test
    void refusesAReferenceWithSpaces() throws Exception {
        Answer answer = create("1.00", "till 1");

        assertEquals(400, answer.status());
        assertEquals("INVALID_REFERENCE", answer.json().get("error").asText());
    }

    @Test
    void cancelsAWaitingPaymentOnceOnly() throws Exception {
        String id = create("4.50", "till-9").json().get("id").asText();

        Answer cancelled = post("/api/v1/payments/" + id + "/cancel", "");
        Answer again = post("/api/v1/payments/" + id + "/cancel", "");

        assertEquals(200, cancelled.status());
        assertEquals("CANCELLED", cancelled.json().get("status").asText());
        assertTrue(cancelled.json().hasNonNull("decidedAt"));
        assertEquals(409, again.status());
        assertEquals("NOT_WAITING", again.json().get("error").asText());
        assertEquals(201, create("1.00", "till-10").status(), "the counter is free again");
    }

    @Test
    void acknowledgesOnlyALossThatHappenedAndOnlyOnce() throws Exception {
        String id = create("4.50", "till-loss").json().get("id").asText();

        Answer nothingLost = post("/api/v1/payments/" + id + "/acknowledge-loss", "");
        Answer unknown = post("/api/v1/payments/no-such-id/acknowledge-loss", "");

        assertEquals(409, nothingLost.status());
        assertEquals("NO_UNACKNOWLEDGED_LOSS", nothingLost.json().get("error").asText());
        assertEquals(404, unknown.status());
    }

    @Test
    void answers404ForAnUnknownPayment() throws Exception {
        Answer read = send(authorized("/api/v1/payments/no-such-id").GET());
        Answer cancel = post("/api/v1/payments/no-such-id/cancel", "");

        assertEquals(404, read.status());
        assertEquals("NOT_FOUND", read.json().get("error").asText());
        assertEquals(404, cancel.status());
        assertEquals("NOT_FOUND", cancel.json().get("error").asText());
    }

    @Test
    void listsPaymentsNewestFirst() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = create(i + ".00", "till-list-" + i).json().get("id").asText();
            created.add(id);
            post("/api/v1/payments/" + id + "/cancel", "");
            clock.advance(Duration.ofSeconds(1));
        }

        Answer answer = send(authorized("/api/v1/payments").GET());

        assertEquals(200, answer.status());
        List<String> listed = new ArrayList<>();
        answer.json().get("payments").forEach(p -> listed.add(p.get("id").asText()));
        assertEquals(List.of(created.get(2), created.get(1), created.get(0)), listed);
    }

    @Test
    void listsOnlyPaymentsInsideTheAskedRange() throws Exception {
        Instant first = clock.instant();
        String early = create("1.00", "till-r1").json().get("id").asText();
        post("/api/v1/payments/" + early + "/cancel", "");
        clock.advance(Duration.ofMinutes(10));
        String late = create("2.00", "till-r2").json().get("id").asText();

        Answer answer = send(authorized("/api/v1/payments?from=" + first.plusSeconds(60) + "&to="
                + first.plus(Duration.ofHours(1))).GET());

        assertEquals(200, answer.status());
        assertEquals(1, answer.json().get("payments").size());
        assertEquals(late, answer.json().get("payments").get(0).get("id").asText());
        assertNotEquals(early, late);
    }

    @Test
    void refusesAnUnreadableTimeInTheListQuery() throws Exception {
        Answer answer = send(authorized("/api/v1/payments?from=yesterday").GET());

        assertEquals(400, answer.status());
        assertEquals("INVALID_TIME", answer.json().get("error").asText());
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private record Answer(int status, String body, String contentType) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer create(String amount, String reference) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("amount", amount);
        body.put("reference", reference);
        return post("/api/v1/payments", JSON.writeValueAsString(body));
    }

    private Answer post(String path, String body) throws Exception {
        return send(authorized(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type").orElse(""));
    }
}
