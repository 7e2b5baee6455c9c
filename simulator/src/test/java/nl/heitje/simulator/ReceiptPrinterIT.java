// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receipts and the Z report through the simulator's printer, read back off the printed page: the real service
 * encodes ESC/POS and writes it to the printer's device file; the simulator decodes the text and draws the page.
 * And a printer that goes away mid-receipt: the payment is approved all the same, and health says what happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReceiptPrinterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    /** For conditions awaited, never a measured duration. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String MERCHANT = "Cafe De Heit";
    private static final String SETTLEMENT_URL = "https://pay.example.org/payments/";
    private static final AtomicInteger REFERENCES = new AtomicInteger();
    @TempDir
    static Path dataDir;
    private static Simulator simulator;
    private static String control;
    private static String api;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        simulator = Simulator.start(new Simulator.Options(EthersSigner.chainDir(), dataDir, 0, 0, 600_000,
                Map.of("merchant.name", MERCHANT, "receipt.settlementUrl", SETTLEMENT_URL + "{id}")));
        control = "http://127.0.0.1:" + simulator.controlPort();
        api = "http://127.0.0.1:" + simulator.terminal().tillPort();
        token = simulator.terminal().config().till().apiToken();
        var citizen = post(control + "/sim/citizen", Map.of("name", "printed", "balance", "30.00", "pin", "1234",
                "noPinLimit", "25.00"), false);
        assertEquals(201, citizen.statusCode(), citizen.body());
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Order(1)
    void anApprovedPaymentsReceiptIsPrintedAndItsQrLinksTheSettlement() throws Exception {
        JsonNode paid = payApproved("4.50");
        String id = paid.get("id").asText();

        JsonNode printed = awaitPrinter(p -> p.size() >= 1);
        String text = printed.get(0).get("text").asText();
        assertTrue(text.contains(MERCHANT), text);
        assertTrue(text.contains("4.50 HEIT"), text);
        assertTrue(text.contains(id), text);
        String payer = paid.get("payer").asText().toLowerCase(java.util.Locale.ROOT);
        assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains(payer.substring(0, 8) + "..."
                + payer.substring(payer.length() - 4)), text);
        Instant.parse(printed.get(0).get("at").asText());

        HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(URI.create(control + "/sim/printer/0.png"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals(Optional.of("image/png"), png.headers().firstValue("Content-Type"));
        assertEquals(Optional.of(SETTLEMENT_URL + id), new ZxingQrDecoder().decodeImage(png.body()));
    }

    @Test
    @Order(2)
    void closingThePeriodAtTheTillPrintsTheZReport() throws Exception {
        int before = printed().size();

        HttpResponse<String> closed = post(api + "/api/v1/totals/close", Map.of(), true);
        assertEquals(201, closed.statusCode(), closed.body());
        long number = JSON.readTree(closed.body()).get("number").asLong();

        JsonNode printed = awaitPrinter(p -> p.size() > before);
        String z = printed.get(before).get("text").asText();
        assertTrue(z.contains("Z REPORT " + number), z);
        assertTrue(z.contains(MERCHANT), z);
        assertTrue(z.contains("Purse HEIT"), z);
        assertTrue(z.matches("(?s).*Approved 1x +EUR 4\\.50.*"), z);
        HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(URI.create(control + "/sim/printer/" + before
                + ".png")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        // Kept for a person to look at: the Z report as it comes out on paper.
        java.nio.file.Files.createDirectories(Path.of("target", "printed"));
        java.nio.file.Files.write(Path.of("target", "printed", "z-report.png"), png.body());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(control + "/sim/printer/99.png")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    @Order(3)
    void aPrinterThatGoesAwayMidReceiptFailsNoPaymentAndIsAWarningInHealth() throws Exception {
        int before = printed().size();
        assertEquals(200, post(control + "/sim/printer", Map.of("goAwayAfterBytes", 40), false).statusCode());

        payApproved("1.25");
        await("the printer to go away", () -> !JSON.readTree(post(control + "/sim/printer",
                Map.of(), false).body()).get("connected").asBoolean());
        // The next receipt finds no printer at all; still approved.
        payApproved("2.00");

        await("a printer warning in health", () -> warnings().contains("receipt printer"));
        assertEquals(before, printed().size(), "nothing of either receipt was printed");

        assertEquals(200, post(control + "/sim/printer", Map.of("connected", true), false).statusCode());
        JsonNode third = payApproved("0.75");
        JsonNode printed = awaitPrinter(p -> p.size() > before);
        assertTrue(printed.get(before).get("text").asText().contains(third.get("id").asText()));
        await("the warning to clear", () -> !warnings().contains("receipt printer"));
    }

    private static JsonNode payApproved(String amount) throws Exception {
        var created = post(api + "/api/v1/payments", Map.of("amount", amount, "reference",
                "receipt-" + REFERENCES.incrementAndGet()), true);
        assertEquals(201, created.statusCode(), created.body());
        var paid = post(control + "/sim/citizen/printed/pay", Map.of("by", "qr"), false);
        assertEquals(200, paid.statusCode(), paid.body());
        JsonNode payment = JSON.readTree(paid.body()).get("payment");
        assertEquals("APPROVED", payment.get("status").asText(), payment.toString());
        return payment;
    }

    private static String warnings() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/health"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(health.body()).get("warnings").toString();
    }

    private static JsonNode printed() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(control + "/sim/printer")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(1, body.size(), "the answer is {\"printed\": [...]} and nothing else: " + body);
        return body.get("printed");
    }

    private static JsonNode awaitPrinter(Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode printed = printed();
        while (!done.test(printed) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            printed = printed();
        }
        assertTrue(done.test(printed), "not printed in time: " + printed);
        return printed;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited in vain for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(String url, Object body, boolean authorized) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (authorized) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
