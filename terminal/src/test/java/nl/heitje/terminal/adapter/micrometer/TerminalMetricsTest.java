// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.micrometer;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.heitje.terminal.adapter.javalin.JavalinTillApi;
import nl.heitje.terminal.adapter.javalin.MetricsEndpoint;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.PaymentEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus scrape as a scraper reads it: over HTTP, with its own token, parsed from the text format. */
class TerminalMetricsTest {
    private static final String TILL_TOKEN = "till-secret-0123456789";
    private static final String METRICS_TOKEN = "metrics-secret-0123456789";
    private static final Address PAYER = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

    @TempDir
    Path dir;
    private final SynchronousEvents events = new SynchronousEvents();
    private final AtomicLong exposureUnits = new AtomicLong(12_34);
    private final AtomicLong failed = new AtomicLong();
    private JavalinTillApi api;
    private Path journal;

    @BeforeEach
    void start() throws Exception {
        journal = dir.resolve("journal.db");
        Files.write(journal, new byte[4096]);
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        TerminalMetrics metrics = new TerminalMetrics(events,
                List.of(new TerminalMetrics.Purse("HEIT", 2, exposureUnits::get)),
                List.of(new TerminalMetrics.Chain(31337, () -> Optional.of(START.minusSeconds(90)), failed::get,
                        () -> 3)),
                journal, clock);
        PaymentDesk unused = null;
        api = new JavalinTillApi(new JavalinTillApi.Settings("127.0.0.1", 0, TILL_TOKEN, new Euros(250_00),
                Optional.empty(), Optional.of(new MetricsEndpoint(METRICS_TOKEN, metrics::scrape,
                        TerminalMetrics.contentType()))), unused, () -> Map.of("status", "UP")).start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void countsPaymentsByOutcomeCodeAndPurseAndTimesTheDecision() throws Exception {
        Map<String, Double> before = scrape();
        assertEquals(null, before.get("heitje_payments_total{code=\"none\",outcome=\"approved\",purse=\"HEIT\"}"));

        Payment one = Payment.waiting("p-1", "till-1", new Money(4_50, HEIT), START);
        events.publish(SessionState.WAITING, one, OptionalInt.empty(), START);
        events.publish(SessionState.CHECKING, one, OptionalInt.empty(), START.plusSeconds(10));
        events.publish(SessionState.APPROVED, one.approve(HEIT, PAYER, PaymentMethod.QR, false,
                START.plusMillis(10_800)), OptionalInt.empty(), START.plusMillis(10_800));
        Payment two = Payment.waiting("p-2", "till-2", new Money(2_00, HEIT), START);
        events.publish(SessionState.WAITING, two, OptionalInt.empty(), START);
        events.publish(SessionState.READING_CARD, two, OptionalInt.empty(), START.plusSeconds(20));
        events.publish(SessionState.CHECKING, two, OptionalInt.empty(), START.plusSeconds(21));
        events.publish(SessionState.DECLINED, two.decline(DeclineCode.INSUFFICIENT_FUNDS, PAYER, PaymentMethod.CARD,
                false, START.plusSeconds(24)), OptionalInt.empty(), START.plusSeconds(24));
        Payment three = Payment.waiting("p-3", "till-3", new Money(1_00, HEIT), START);
        events.publish(SessionState.WAITING, three, OptionalInt.empty(), START);
        events.publish(SessionState.CANCELLED, three.cancel(START.plusSeconds(5)), OptionalInt.empty(),
                START.plusSeconds(5));

        Map<String, Double> after = scrape();
        assertEquals(1.0, after.get("heitje_payments_total{code=\"none\",outcome=\"approved\",purse=\"HEIT\"}"));
        assertEquals(1.0, after.get(
                "heitje_payments_total{code=\"INSUFFICIENT_FUNDS\",outcome=\"declined\",purse=\"HEIT\"}"), after.toString());
        assertEquals(1.0, after.get("heitje_payments_total{code=\"none\",outcome=\"cancelled\",purse=\"HEIT\"}"),
                after.toString());
        // 0.8 s from the code's first reading to the approval; 4 s from the card's first touch to the decline.
        assertEquals(0.8, after.get("heitje_payment_decision_seconds_sum{outcome=\"approved\"}"), 1e-9);
        assertEquals(0.0, after.get("heitje_payment_decision_seconds_bucket{outcome=\"approved\",le=\"0.5\"}"));
        assertEquals(1.0, after.get("heitje_payment_decision_seconds_bucket{outcome=\"approved\",le=\"1.0\"}"));
        assertEquals(0.0, after.get("heitje_payment_decision_seconds_bucket{outcome=\"declined\",le=\"3.0\"}"));
        assertEquals(1.0, after.get("heitje_payment_decision_seconds_bucket{outcome=\"declined\",le=\"5.0\"}"));
        assertEquals(null, after.get("heitje_payment_decision_seconds_count{outcome=\"cancelled\"}"),
                "a cancel is no decision");
    }

    @Test
    void readsTheGaugesWhenScraped() throws Exception {
        Map<String, Double> first = scrape();
        assertEquals(12.34, first.get("heitje_offline_exposure{purse=\"HEIT\"}"), 1e-9);
        assertEquals(90.0, first.get("heitje_settlement_lag_seconds{chain=\"31337\"}"), 1e-9);
        assertEquals(0.0, first.get("heitje_settlement_failed{chain=\"31337\"}"));
        assertEquals(3.0, first.get("heitje_settlement_pending{chain=\"31337\"}"));
        assertEquals(4096.0, first.get("heitje_journal_size_bytes"));
        assertTrue(first.keySet().stream().anyMatch(name -> name.startsWith("jvm_memory_used_bytes{")), first.toString());

        exposureUnits.set(0);
        failed.set(2);
        Files.write(dir.resolve("journal.db-wal"), new byte[100]);
        Map<String, Double> second = scrape();
        assertEquals(0.0, second.get("heitje_offline_exposure{purse=\"HEIT\"}"));
        assertEquals(2.0, second.get("heitje_settlement_failed{chain=\"31337\"}"));
        assertEquals(4196.0, second.get("heitje_journal_size_bytes"));
    }

    @Test
    void servesOnlyWithTheMetricsToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String header : new String[] {null, "Bearer " + TILL_TOKEN, "Bearer wrong", METRICS_TOKEN}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri());
            if (header != null) {
                request.header("Authorization", header);
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, answer.statusCode(), String.valueOf(header));
            assertTrue(answer.body().contains("\"UNAUTHORIZED\""), answer.body());
            assertFalse(answer.body().contains("heitje_"), answer.body());
        }
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + api.port() + "/metrics");
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)");

    /** Every sample of the scrape, by name and labels (in the order written), after checking the format line by line. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri())
                .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                answer.headers().toString());
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : answer.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a Prometheus sample line: " + line);
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }

    /** Delivers each event before publish returns, so a test sees its effect at once. */
    private static final class SynchronousEvents implements PaymentEvents {
        private final List<Consumer<PaymentEvent>> subscribers = new ArrayList<>();
        private long sequence;

        @Override
        public PaymentEvent publish(SessionState state, Payment payment, OptionalInt pinTriesLeft, Instant at) {
            PaymentEvent event = new PaymentEvent(++sequence, state, payment, pinTriesLeft, at);
            subscribers.forEach(subscriber -> subscriber.accept(event));
            return event;
        }

        @Override
        public void subscribe(Consumer<PaymentEvent> subscriber) {
            subscribers.add(subscriber);
        }
    }
}
