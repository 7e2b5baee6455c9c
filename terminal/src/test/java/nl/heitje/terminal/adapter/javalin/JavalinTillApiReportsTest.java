// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.ECKeyPair;

/** The report calls of the till API: X and Z totals and the payout statement, in JSON and CSV. */
class JavalinTillApiReportsTest {
    private static final String TOKEN = "till-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ECKeyPair PAYER = Authorizations.key("carla");
    private static final Address MUNICIPALITY = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SqliteJournal journal;
    private JavalinTillApi api;
    private String base;
    private int payments;

    @BeforeEach
    void start() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        FakeChainReader chain = new FakeChainReader();
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, new Connectivity(chain, clock), ApprovalGate.UNGUARDED), journal,
                new FakeDenyList(), new FakeHolderBalances(), clock);
        PaymentDesk desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        issuers.put(HEIT, Optional.of(MUNICIPALITY));
        var merchant = new PayoutStatement.Merchant(Optional.of("Bakkerij \"De Korrel\", Heerlen"),
                Optional.of("12345678"), Fixtures.MERCHANT);
        api = new JavalinTillApi(new JavalinTillApi.Settings("127.0.0.1", 0, TOKEN, new Euros(250_00)), desk,
                () -> Map.of("status", "UP"), new JavalinTillApi.Reporting(journal, merchant, issuers, clock)).start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterEach
    void stop() {
        api.close();
        journal.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/totals", "/api/v1/totals/closes/1", "/api/v1/payout", "/api/v1/payout.csv"})
    void refusesEveryReportWithoutTheToken(String path) throws Exception {
        Answer answer = send(HttpRequest.newBuilder(uri(path)).GET());

        assertEquals(401, answer.status());
        assertEquals("UNAUTHORIZED", answer.json().get("error").asText());
    }

    @Test
    void refusesToCloseAPeriodWithoutTheToken() throws Exception {
        Answer answer = send(HttpRequest.newBuilder(uri("/api/v1/totals/close"))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(401, answer.status());
        assertEquals(Optional.empty(), journal.lastClose(), "nothing closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/totals?from=yesterday", "/api/v1/totals?to=2026-13-01T00:00:00Z",
            "/api/v1/totals?from=2026-11-02T10:00:00Z&to=2026-11-02T09:00:00Z",
            "/api/v1/totals?from=%2B1000000000-01-01T00:00:00Z", "/api/v1/totals?to=-1000000000-01-01T00:00:00Z",
            "/api/v1/payout?from=1.5", "/api/v1/payout.csv?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z"})
    void refusesABadOrBackwardPeriodWithA400InJson(String path) throws Exception {
        Answer answer = send(authorized(path).GET());

        assertEquals(400, answer.status(), answer.body());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        assertEquals("INVALID_TIME", answer.json().get("error").asText());
    }

    @Test
    void totalsTheAskedPeriodPerPurseAndStatus() throws Exception {
        Payment approved = approve(450, START.minusSeconds(60));
        settle(approved, START.minusSeconds(30));
        journal.close(waiting(300, START.minusSeconds(20)).cancel(START.minusSeconds(10)));

        Answer answer = send(authorized("/api/v1/totals?from=2026-11-02T08:00:00Z&to=2026-11-02T09:00:00Z").GET());

        assertEquals(200, answer.status(), answer.body());
        JsonNode json = answer.json();
        assertEquals("2026-11-02T08:00:00Z", json.get("from").asText());
        assertEquals("2026-11-02T09:00:00Z", json.get("to").asText());
        JsonNode heit = json.get("purses").get(0);
        assertEquals("HEIT", heit.get("purse").asText());
        assertEquals(2, heit.get("decimals").asInt());
        JsonNode approvedJson = heit.get("statuses").get("APPROVED");
        assertEquals(1, approvedJson.get("count").asLong());
        assertEquals("4.50", approvedJson.get("eur").asText());
        assertEquals("450", approvedJson.get("units").asText());
        assertEquals(1, approvedJson.get("settlement").get("SETTLED").get("count").asLong());
        assertEquals("0.00", approvedJson.get("settlement").get("PENDING").get("eur").asText());
        assertEquals("3.00", heit.get("statuses").get("CANCELLED").get("eur").asText());
        assertEquals(0, heit.get("statuses").get("DECLINED").get("count").asLong());
        assertEquals(0, heit.get("partial").get("count").asLong());
        assertEquals("0.00", heit.get("partial").get("remainingEur").asText());
        assertEquals(0, heit.get("offlineApproved").get("count").asLong());
    }

    @Test
    void closesThePeriodAndThenTotalsOnlyWhatCameAfterIt() throws Exception {
        approve(450, START.minusSeconds(60));

        Answer close = post("/api/v1/totals/close");
        clock.advance(Duration.ofMinutes(5));
        approve(125, START.plusSeconds(60));
        Answer afterwards = send(authorized("/api/v1/totals").GET());
        Answer stored = send(authorized("/api/v1/totals/closes/1").GET());

        assertEquals(201, close.status(), close.body());
        JsonNode z = close.json();
        assertEquals(1, z.get("number").asLong());
        assertEquals(START.minusSeconds(60).toString(), z.get("from").asText());
        assertEquals(START.toString(), z.get("to").asText());
        assertEquals(START.toString(), z.get("closedAt").asText());
        assertEquals("4.50", z.get("totals").get("purses").get(0).get("statuses").get("APPROVED").get("eur").asText());
        assertEquals(z, stored.json(), "the stored Z reads as it was answered");
        assertEquals(START.toString(), afterwards.json().get("from").asText(), "from the last close by default");
        assertEquals(START.plusSeconds(300).toString(), afterwards.json().get("to").asText(), "to now by default");
        assertEquals("1.25", afterwards.json().get("purses").get(0).get("statuses").get("APPROVED").get("eur")
                .asText());
        assertEquals(2, post("/api/v1/totals/close").json().get("number").asLong());
    }

    @Test
    void answersAnUnknownOrUnreadableZNumberInJson() throws Exception {
        Answer unknown = send(authorized("/api/v1/totals/closes/7").GET());
        Answer unreadable = send(authorized("/api/v1/totals/closes/seven").GET());

        assertEquals(404, unknown.status());
        assertEquals("NOT_FOUND", unknown.json().get("error").asText());
        assertEquals(400, unreadable.status());
        assertEquals("INVALID_NUMBER", unreadable.json().get("error").asText());
    }

    @Test
    void statesWhatTheIssuerOwesForThePeriodInJson() throws Exception {
        settle(approve(450, START.minusSeconds(600)), START.minusSeconds(300));
        approve(200, START.minusSeconds(200));

        Answer answer = send(authorized("/api/v1/payout?from=2026-11-02T00:00:00Z").GET());

        assertEquals(200, answer.status(), answer.body());
        JsonNode json = answer.json();
        assertEquals("Bakkerij \"De Korrel\", Heerlen", json.get("merchant").get("name").asText());
        assertEquals("12345678", json.get("merchant").get("kvk").asText());
        assertEquals(Fixtures.MERCHANT.hex(), json.get("merchant").get("address").asText());
        assertEquals(START.toString(), json.get("to").asText());
        assertEquals(MUNICIPALITY.hex(), json.get("issuers").get(0).get("issuer").asText());
        assertEquals("4.50", json.get("issuers").get(0).get("settledEur").asText());
        JsonNode heit = json.get("purses").get(0);
        assertEquals("HEIT", heit.get("purse").asText());
        assertEquals(HEIT.contract().hex(), heit.get("tokenContract").asText());
        assertEquals(31337, heit.get("chainId").asLong());
        assertEquals("4.50", heit.get("settled").get("eur").asText());
        assertEquals("2.00", heit.get("pending").get("eur").asText());
        assertEquals(0, heit.get("failed").get("count").asLong());
        assertEquals("0xsettled-p-1", json.get("settledPayments").get(0).get("txHash").asText());
    }

    @Test
    void offersThePayoutStatementAsACsvAttachmentAndItsDetail() throws Exception {
        settle(approve(450, START.minusSeconds(600)), START.minusSeconds(300));
        String period = "?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z";

        Answer csv = send(authorized("/api/v1/payout.csv" + period).GET());
        Answer detail = send(authorized("/api/v1/payout.csv" + period + "&detail=true").GET());

        assertEquals(200, csv.status(), csv.body());
        assertEquals("text/csv; charset=utf-8", csv.contentType().toLowerCase(java.util.Locale.ROOT));
        assertEquals("attachment; filename=\"payout-20261102T000000Z-20261103T000000Z.csv\"",
                csv.headers().firstValue("Content-Disposition").orElse(""));
        List<String> lines = List.of(csv.body().split("\r\n"));
        assertEquals("merchant,\"Bakkerij \"\"De Korrel\"\", Heerlen\"", lines.get(0));
        assertEquals(String.join(",", PayoutCsv.PURSE_COLUMNS), lines.get(6));
        assertEquals(MUNICIPALITY.hex() + ",HEIT," + HEIT.contract().hex() + ",31337,1,4.50,0,0.00,0,0.00",
                lines.get(7));
        assertEquals(200, detail.status(), detail.body());
        assertEquals("attachment; filename=\"payout-20261102T000000Z-20261103T000000Z-detail.csv\"",
                detail.headers().firstValue("Content-Disposition").orElse(""));
        List<String> detailLines = List.of(detail.body().split("\r\n"));
        assertEquals(String.join(",", PayoutCsv.DETAIL_COLUMNS), detailLines.get(6));
        assertEquals("p-1,till-1,HEIT,4.50," + Signatures.addressOf(PAYER).hex() + ",0xsettled-p-1,"
                + START.minusSeconds(300), detailLines.get(7));
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private Payment waiting(long cents, Instant at) {
        Payment waiting = Payment.waiting("p-" + (++payments), "till-" + payments, new Money(cents, HEIT), at);
        journal.create(waiting);
        return waiting;
    }

    private Payment approve(long cents, Instant at) {
        Payment waiting = waiting(cents, at);
        Address payer = Signatures.addressOf(PAYER);
        Payment approved = waiting.approve(HEIT, payer, PaymentMethod.QR, false, at);
        journal.approve(approved, new Redemption(waiting.id(), HEIT, Authorizations.builder(HEIT, PAYER).value(cents)
                .nonce(Authorizations.nonce(waiting.id())).build(), PaymentMethod.QR, false, at, 0));
        return approved;
    }

    private void settle(Payment payment, Instant at) {
        long sequence = journal.pending(100, START.plusSeconds(86_400 * 365L)).stream()
                .filter(q -> q.redemption().paymentId().equals(payment.id())).findFirst().orElseThrow().sequence();
        journal.resolvePending(sequence, new Outcome.Settled("0xsettled-" + payment.id(), 7), at);
    }

    private record Answer(int status, String body, String contentType, HttpHeaders headers) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private Answer post(String path) throws Exception {
        return send(authorized(path).POST(HttpRequest.BodyPublishers.noBody()));
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
                response.headers().firstValue("Content-Type").orElse(""), response.headers());
    }
}
