// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentChangeFeed;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PaymentEventBus;
import nl.heitje.terminal.app.PublishingSettlementQueue;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.port.SettlementChain;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** The calls of the till API's version 2: void, the event stream, a settlement round on demand, the OpenAPI document. */
class JavalinTillApiV2Test {
    private static final String TOKEN = "till-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ECKeyPair PAYER = Authorizations.key("wim");
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger settlementRounds = new AtomicInteger();
    private final List<HttpResponse<java.util.stream.Stream<String>>> streams = new ArrayList<>();
    private SqliteJournal journal;
    private PaymentEventBus bus;
    private PaymentChangeFeed feed;
    private PaymentDesk desk;
    private JavalinTillApi api;
    private String base;
    private int approvals;

    @BeforeEach
    void start() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        FakeChainReader chain = new FakeChainReader();
        Connectivity connectivity = new Connectivity(chain, clock);
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(),
                new FakeHolderBalances(), clock);
        bus = new PaymentEventBus();
        desk = new PaymentDesk(journal, authorizer, bus, clock,
                new PaymentDesk.Timeouts(Duration.ofMinutes(2), Duration.ofSeconds(30)), decided -> { });
        feed = new PaymentChangeFeed(journal::find, 4, 64);
        feed.follow(bus);
        desk.whenVoided(feed::changed);
        var settings = new JavalinTillApi.Settings("127.0.0.1", 0, TOKEN, new Euros(250_00));
        api = new JavalinTillApi(settings, desk, () -> Map.of("status", "UP"), null,
                new JavalinTillApi.Services(feed, settlementRounds::incrementAndGet)).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterEach
    void stop() {
        streams.forEach(stream -> stream.body().close());
        api.close();
        bus.close();
        journal.close();
    }

    // ---- void --------------------------------------------------------------------------------------------

    @Test
    void voidsAnApprovalNotYetSubmittedOnceAndSaysWhy() throws Exception {
        Payment approved = approvedInJournal(450);

        Answer voided = post("/api/v1/payments/" + approved.id() + "/void", "{\"reason\": \"keyed 4.50 instead of 0.45\"}");
        Answer again = post("/api/v1/payments/" + approved.id() + "/void", "{\"reason\": \"twice\"}");

        assertEquals(200, voided.status(), voided.body());
        assertEquals("VOIDED", voided.json().get("status").asText());
        assertEquals("keyed 4.50 instead of 0.45", voided.json().get("voidReason").asText());
        assertTrue(voided.json().get("settlement").isNull());
        assertEquals(409, again.status());
        assertEquals("NOT_VOIDABLE", again.json().get("error").asText());
        assertEquals(0, journal.unsettledCount());
    }

    @Test
    void refusesToVoidWhatIsNotAnUnsubmittedApproval() throws Exception {
        String waiting = create("1.00", "till-v1").json().get("id").asText();

        Answer notApproved = post("/api/v1/payments/" + waiting + "/void", "{\"reason\": \"x\"}");
        Answer unknown = post("/api/v1/payments/nobody/void", "{\"reason\": \"x\"}");
        Answer noReason = post("/api/v1/payments/" + waiting + "/void", "{}");
        Answer blankReason = post("/api/v1/payments/" + waiting + "/void", "{\"reason\": \"  \"}");
        Answer longReason = post("/api/v1/payments/" + waiting + "/void", "{\"reason\": \"" + "x".repeat(201) + "\"}");

        assertEquals(409, notApproved.status());
        assertEquals("NOT_VOIDABLE", notApproved.json().get("error").asText());
        assertEquals(404, unknown.status());
        assertEquals(400, noReason.status());
        assertEquals(400, blankReason.status());
        assertEquals("INVALID_REASON", longReason.json().get("error").asText());
    }

    // ---- events ------------------------------------------------------------------------------------------

    @Test
    void streamsEveryPaymentChangeOfTheSessionAndTheVoid() throws Exception {
        Events events = open(null);

        String id = create("2.00", "till-e1").json().get("id").asText();
        post("/api/v1/payments/" + id + "/cancel", "");

        // Each event shows the payment as the journal holds it when the event is numbered: a cancel that came
        // quickly may already show in the event of the payment's creation. Never an older state after a newer one.
        JsonNode created = events.nextPayment();
        assertEquals(id, created.path("data").get("id").asText());
        assertTrue(List.of("WAITING", "CANCELLED").contains(created.path("data").get("status").asText()),
                created.toString());
        JsonNode cancelled = events.nextPayment();
        assertEquals(id, cancelled.path("data").get("id").asText());
        assertEquals("CANCELLED", cancelled.path("data").get("status").asText());

        // An approval as the journal records it (the session's own path is the desk's tests' business), then a void.
        Payment approved = approvedInJournal(300);
        feed.changed(approved);
        post("/api/v1/payments/" + approved.id() + "/void", "{\"reason\": \"goods returned\"}");

        assertEquals("APPROVED", events.nextPayment().path("data").get("status").asText());
        assertEquals("VOIDED", events.nextPayment().path("data").get("status").asText());
    }

    @Test
    void streamsTheSettlementsChangesWrittenThroughThePublishingQueue() throws Exception {
        Payment approved = approvedInJournal(300);
        SettlementQueue queue = new PublishingSettlementQueue(journal, feed::changed);
        Events events = open(null);

        List<SettlementQueue.Queued> due = queue.pending(10, clock.instant().plusSeconds(60));
        SettlementQueue.Batch batch = queue.submit(new SettlementChain.SignedTransaction("0x" + "c".repeat(64), "0x02",
                0, new SettlementChain.Fees(BigInteger.ONE, BigInteger.ONE)), due, clock.instant());
        queue.complete(batch.id(), Map.of(due.get(0).sequence(),
                new SettlementQueue.Outcome.Settled("0x" + "c".repeat(64), 7)), clock.instant());

        JsonNode submitted = events.nextPayment();
        assertEquals(approved.id(), submitted.path("data").get("id").asText());
        assertEquals("SUBMITTED", submitted.path("data").get("settlement").asText());
        assertEquals("SETTLED", events.nextPayment().path("data").get("settlement").asText());
    }

    @Test
    void resumesAfterTheLastEventItSawWithoutLoss() throws Exception {
        Events first = open(null);
        String a = create("1.00", "till-r1").json().get("id").asText();
        JsonNode seen = first.nextPayment();
        first.close();
        post("/api/v1/payments/" + a + "/cancel", "");
        String b = create("1.50", "till-r2").json().get("id").asText();

        Events resumed = open(seen.path("id").asText());

        JsonNode missedCancel = resumed.nextPayment();
        assertEquals(a, missedCancel.path("data").get("id").asText());
        assertEquals("CANCELLED", missedCancel.path("data").get("status").asText());
        JsonNode missedWaiting = resumed.nextPayment();
        assertEquals(b, missedWaiting.path("data").get("id").asText());
        post("/api/v1/payments/" + b + "/cancel", "");
        assertEquals("CANCELLED", resumed.nextPayment().path("data").get("status").asText());
    }

    @Test
    void asksForAResyncWhenItsPositionCannotBeReplayed() throws Exception {
        Events events = open(null);
        String firstId = null;
        // More changes than the feed keeps (4): the first is gone from its memory.
        for (int i = 0; i < 3; i++) {
            String id = create("1.00", "till-s" + i).json().get("id").asText();
            post("/api/v1/payments/" + id + "/cancel", "");
        }
        for (int i = 0; i < 6; i++) {
            JsonNode event = events.nextPayment();
            firstId = firstId == null ? event.path("id").asText() : firstId;
        }

        Events tooOld = open(firstId);
        Events foreign = open("from-before-a-restart-17");

        JsonNode resync = tooOld.next();
        assertEquals("resync", resync.path("event").asText());
        assertEquals(firstId, resync.path("data").get("lastEventId").asText());
        assertNotNull(resync.path("id").asText(null), "a resync carries the position to resume from");
        assertEquals("resync", foreign.next().path("event").asText());
    }

    @Test
    void refusesTheStreamWithoutTheToken() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).GET()
                .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHORIZED", JSON.readTree(response.body()).get("error").asText());
    }

    // ---- settlement run, OpenAPI --------------------------------------------------------------------------

    @Test
    void startsASettlementRoundOnDemand() throws Exception {
        Answer answer = post("/api/v1/settlement/run", "");

        assertEquals(202, answer.status(), answer.body());
        assertEquals(1, settlementRounds.get());
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesServed() throws Exception {
        Answer answer = send(authorized("/api/v1/openapi.json").GET());
        JsonNode document = answer.json();
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " "
                    + path.getKey()));
        }
        // With reports as well, every route the API can serve is registered.
        JavalinTillApi full = new JavalinTillApi(new JavalinTillApi.Settings("127.0.0.1", 0, TOKEN,
                new Euros(250_00)), desk, () -> Map.of(), new JavalinTillApi.Reporting(journal,
                null, Map.of(), clock), new JavalinTillApi.Services(feed, () -> { }));

        Set<String> served = new TreeSet<>(full.routes());

        assertEquals(200, answer.status());
        assertTrue(document.get("openapi").asText().startsWith("3.0"));
        assertEquals(served, documented);
        for (String route : served) {
            assertTrue(route.startsWith("GET /api/v1/") || route.startsWith("POST /api/v1/"), route);
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    private Payment approvedInJournal(long cents) {
        Instant at = clock.instant();
        Payment waiting = Payment.waiting("ok-" + (++approvals), "till-ok-" + approvals, new Money(cents, HEIT), at);
        journal.create(waiting);
        Payment approved = waiting.approve(HEIT, Signatures.addressOf(PAYER), PaymentMethod.QR, false, at);
        journal.approve(approved, new Redemption(waiting.id(), HEIT, Authorizations.builder(HEIT, PAYER).value(cents)
                .nonce(Authorizations.nonce(waiting.id())).build(), PaymentMethod.QR, false, at, 0));
        return journal.find(waiting.id()).orElseThrow();
    }

    /** An event stream read by a real HTTP client, one event at a time, each within a deadline. */
    private final class Events {
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final HttpResponse<java.util.stream.Stream<String>> response;

        Events(String lastEventId) throws Exception {
            HttpRequest.Builder request = authorized("/api/v1/events").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            streams.add(response);
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            Map<String, String> fields = new LinkedHashMap<>();
            try {
                response.body().forEach(line -> {
                    if (line.isEmpty()) {
                        if (fields.containsKey("data")) {
                            var event = JSON.createObjectNode();
                            event.put("event", fields.getOrDefault("event", "message"));
                            event.put("id", fields.get("id"));
                            try {
                                event.set("data", JSON.readTree(fields.get("data")));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            events.add(event);
                        }
                        fields.clear();
                    } else if (!line.startsWith(":")) {
                        int colon = line.indexOf(':');
                        String name = colon < 0 ? line : line.substring(0, colon);
                        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
                        fields.merge(name, value, (old, more) -> old + "\n" + more);
                    }
                });
            } catch (RuntimeException closed) {
                // The test closed the stream.
            }
        }

        JsonNode next() throws InterruptedException {
            JsonNode event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + DEADLINE.toSeconds() + " s");
            }
            return event;
        }

        JsonNode nextPayment() throws InterruptedException {
            JsonNode event = next();
            assertEquals("payment", event.path("event").asText(), event.toString());
            return event;
        }

        void close() {
            response.body().close();
        }
    }

    private Events open(String lastEventId) throws Exception {
        return new Events(lastEventId);
    }

    private record Answer(int status, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private Answer create(String amount, String reference) throws Exception {
        return post("/api/v1/payments", "{\"amount\": \"" + amount + "\", \"reference\": \"" + reference + "\"}");
    }

    private Answer post(String path, String body) throws Exception {
        return send(authorized(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN);
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
