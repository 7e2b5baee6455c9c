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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The till's event stream on the whole product: a till reads {@code GET /api/v1/events} while a citizen pays and the
 * terminal settles on anvil, and while a manager voids an offline approval. The settlement's changes come from the
 * settlement worker, through the journal, onto the same stream as the session's.
 */
class TillEventsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    @TempDir
    static Path dataDir;
    private static SimulatorProcess simulator;
    private static JsonNode chain;
    private static HttpResponse<Stream<String>> stream;
    private static final BlockingQueue<JsonNode> payments = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startSimulatorAndStream() throws Exception {
        simulator = SimulatorProcess.start("-Xmx64m", dataDir);
        chain = simulator.get(simulator.control + "/sim/chain", false).body();
        stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(simulator.api + "/api/v1/events"))
                .header("Authorization", "Bearer " + simulator.token).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        Thread reader = new Thread(() -> {
            try {
                stream.body().filter(line -> line.startsWith("data: ")).forEach(line -> {
                    try {
                        payments.add(JSON.readTree(line.substring(6)));
                    } catch (java.io.IOException unreadable) {
                        throw new IllegalStateException(unreadable);
                    }
                });
            } catch (RuntimeException closed) {
                // the simulator stopped
            }
        }, "till-events-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    static void stop() throws Exception {
        stream.body().close();
        simulator.close();
    }

    @Test
    void aTillFollowsAPaymentFromRequestToSettlementOnTheStream() throws Exception {
        PaymentEndToEndIT.Citizen citizen = PaymentEndToEndIT.Citizen.create();
        simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address(), "amount", "10.00"),
                false);
        String id = simulator.postJson(simulator.api + "/api/v1/payments", Map.of("amount", "1.50", "reference",
                "till-events-1"), true).body().get("id").asText();
        showQrText(citizen.sign(chain, "150", Instant.now().plus(Duration.ofDays(2))));
        assertEquals(202, simulator.postJson(simulator.api + "/api/v1/settlement/run", Map.of(), true).status());

        List<String> seen = eventsOf(id, "SETTLED");

        // Each event shows the payment as it stands when numbered, so a quick step may already show a later state.
        assertInOrder(seen, List.of("WAITING/null", "APPROVED/PENDING", "APPROVED/SUBMITTED", "APPROVED/SETTLED"));
        assertTrue(seen.contains("APPROVED/SUBMITTED"), "the worker tells of its submission: " + seen);
        assertEquals("APPROVED/SETTLED", seen.get(seen.size() - 1));
    }

    @Test
    void aVoidedOfflineApprovalIsOnTheStreamAndNeverSettles() throws Exception {
        PaymentEndToEndIT.Citizen citizen = PaymentEndToEndIT.Citizen.create();
        simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address(), "amount", "10.00"),
                false);
        simulator.postJson(simulator.control + "/sim/network", Map.of("online", false), false);
        String id;
        try {
            id = simulator.postJson(simulator.api + "/api/v1/payments", Map.of("amount", "2.00", "reference",
                    "till-events-2"), true).body().get("id").asText();
            showQrText(citizen.sign(chain, "200", Instant.now().plus(Duration.ofDays(2))));
            var voided = simulator.postJson(simulator.api + "/api/v1/payments/" + id + "/void",
                    Map.of("reason", "customer changed their mind"), true);
            assertEquals(200, voided.status(), voided.body().toString());
        } finally {
            simulator.postJson(simulator.control + "/sim/network", Map.of("online", true), false);
        }

        List<String> seen = eventsOf(id, "VOIDED");

        assertInOrder(seen, List.of("WAITING/null", "APPROVED/PENDING", "VOIDED/null"));
        assertEquals("VOIDED/null", seen.get(seen.size() - 1));
        assertEquals(202, simulator.postJson(simulator.api + "/api/v1/settlement/run", Map.of(), true).status());
        assertEquals(0, simulator.get(simulator.api + "/api/v1/health", true).body().get("pendingSettlement").asInt());
    }

    /** "STATUS/SETTLEMENT" of each event about this payment, up to and including the one showing {@code last}. */
    private static List<String> eventsOf(String id, String last) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<JsonNode> others = new ArrayList<>();
        while (true) {
            JsonNode payment = payments.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (payment == null) {
                throw new AssertionError("no event showing " + last + " for " + id + " within " + DEADLINE.toSeconds()
                        + " s; saw " + seen);
            }
            if (!payment.get("id").asText().equals(id)) {
                others.add(payment);
                continue;
            }
            String state = payment.get("status").asText() + "/" + payment.get("settlement").asText(null);
            seen.add(state);
            if (state.contains(last)) {
                payments.addAll(others);
                return seen;
            }
        }
    }

    /** Every state seen is one of {@code order}, and none comes before one it follows. */
    private static void assertInOrder(List<String> seen, List<String> order) {
        int at = 0;
        for (String state : seen) {
            int rank = order.indexOf(state);
            assertTrue(rank >= at, "unexpected or out of order: " + state + " in " + seen);
            at = rank;
        }
    }

    private static void showQrText(String text) throws Exception {
        var answer = simulator.postBytes(simulator.control + "/sim/qr", "text/plain", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals("APPROVED", answer.body().get("payment").get("status").asText(), answer.body().toString());
    }
}
