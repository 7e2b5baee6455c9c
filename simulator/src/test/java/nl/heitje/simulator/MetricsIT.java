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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The terminal's Prometheus scrape after real payments: a citizen's approved payment and their declined one. */
class MetricsIT {
    private static final String METRICS_TOKEN = "a-metrics-token-for-the-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** For conditions awaited, never a measured duration. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)");
    @TempDir
    static Path dataDir;
    private static Simulator simulator;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        simulator = Simulator.start(new Simulator.Options(EthersSigner.chainDir(), dataDir, 0, 0, 600_000,
                Map.of("metrics.token", METRICS_TOKEN)));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void anApprovedAndADeclinedPaymentMoveTheirCounters() throws Exception {
        String approved = "heitje_payments_total{code=\"none\",outcome=\"approved\",purse=\"HEIT\"}";
        String declined = "heitje_payments_total{code=\"INSUFFICIENT_FUNDS\",outcome=\"declined\",purse=\"HEIT\"}";
        Map<String, Double> before = scrape();
        assertTrue(before.containsKey("heitje_journal_size_bytes"), before.keySet().toString());
        assertTrue(before.get("heitje_journal_size_bytes") > 0, "the journal exists from the start");
        assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("heitje_settlement_lag_seconds{chain=")));
        assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("heitje_offline_exposure{purse=\"HEIT\"")));

        post(control("/sim/citizen"), "{\"name\": \"mia\", \"balance\": \"5.00\"}", false);
        assertEquals("APPROVED", pay("4.50", "metrics-1").get("status").asText());
        JsonNode second = pay("4.50", "metrics-2");
        assertEquals("DECLINED", second.get("status").asText(), second.toString());
        assertEquals("INSUFFICIENT_FUNDS", second.get("declineCode").asText(), second.toString());

        // The counters are fed by the payment events on their own thread: wait for them, never for a duration.
        Instant deadline = Instant.now().plus(DEADLINE);
        Map<String, Double> after = scrape();
        while ((after.get(declined) == null || after.get(approved) == null) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            after = scrape();
        }
        assertEquals(before.getOrDefault(approved, 0.0) + 1, after.get(approved), after.toString());
        assertEquals(before.getOrDefault(declined, 0.0) + 1, after.get(declined), after.toString());
        assertEquals(1.0, after.get("heitje_payment_decision_seconds_count{outcome=\"approved\"}"));
        assertEquals(1.0, after.get("heitje_payment_decision_seconds_count{outcome=\"declined\"}"));
        assertTrue(after.get("heitje_payment_decision_seconds_bucket{outcome=\"approved\",le=\"+Inf\"}") == 1.0);
    }

    private static JsonNode pay(String amount, String reference) throws Exception {
        post(api("/api/v1/payments"), "{\"amount\": \"" + amount + "\", \"reference\": \"" + reference + "\"}", true);
        return post(control("/sim/citizen/mia/pay"), "{\"by\": \"qr\"}", false).get("payment");
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + simulator.terminal().tillPort() + path);
    }

    private static URI control(String path) {
        return URI.create("http://127.0.0.1:" + simulator.controlPort() + path);
    }

    private static JsonNode post(URI uri, String body, boolean authorized) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorized) {
            request.header("Authorization", "Bearer " + simulator.terminal().config().till().apiToken());
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() < 300, uri + ": " + answer.statusCode() + " " + answer.body());
        return JSON.readTree(answer.body());
    }

    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(api("/metrics"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : answer.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a Prometheus sample line: " + line);
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }
}
