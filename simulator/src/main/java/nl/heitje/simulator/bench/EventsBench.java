// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.LocalChain;
import nl.heitje.simulator.Simulator;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Token;

/**
 * The till's event stream: from the moment a scanned code's check returns APPROVED (the approval committed and
 * published) to the moment a till, reading {@code GET /api/v1/events} over HTTP on the same machine, has read that
 * payment's APPROVED event. The event may be read before the check's call has returned to its caller; such a
 * delay counts as zero.
 */
final class EventsBench {
    static final String HEADING = "## Event stream: approval to the till's read";
    static final int PAYMENTS = 500;
    private static final int WARMUP = 100;
    private static final Pattern READY = Pattern.compile("api=(\\S+) token=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(Bench.Stats delay, Bench.Stats tapToApprove) {
    }

    private EventsBench() {
    }

    static Result run(Path chainDir, Path dataDir) throws Exception {
        try (Simulator simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, 0, 0, 1000, Map.of(
                "till.paymentTimeoutSeconds", "3600")))) {
            Matcher ready = READY.matcher(simulator.readyLine());
            if (!ready.find()) {
                throw new IllegalStateException("no api and token in " + simulator.readyLine());
            }
            Map<String, Long> approvedReadAt = new ConcurrentHashMap<>();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(ready.group(1)
                    + "/api/v1/events")).header("Authorization", "Bearer " + ready.group(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> {
                try {
                    stream.body().forEach(line -> {
                        if (line.startsWith("data: ")) {
                            long at = System.nanoTime();
                            try {
                                JsonNode payment = JSON.readTree(line.substring(6));
                                if ("APPROVED".equals(payment.path("status").asText())) {
                                    approvedReadAt.putIfAbsent(payment.path("id").asText(), at);
                                }
                            } catch (java.io.IOException unreadable) {
                                throw new IllegalStateException(unreadable);
                            }
                        }
                    });
                } catch (RuntimeException closed) {
                    // the stream ends with the simulator
                }
            }, "bench-event-reader");
            reader.setDaemon(true);
            reader.start();

            DevWallet payer = DevWallet.create();
            simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(1_000_000));
            Token token = simulator.terminal().token();
            Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
            long[] delays = new long[PAYMENTS];
            long[] taps = new long[PAYMENTS];
            for (int i = -WARMUP; i < PAYMENTS; i++) {
                String code = PaymentQrCodec.encode(payer.authorize(token, merchant, 1,
                        Instant.now().getEpochSecond() + 2 * 86_400));
                String id = simulator.terminal().desk().request(new Money(1, token), "events-" + i).payment().id();
                long start = System.nanoTime();
                var outcome = simulator.scanner().scan(code).payment().orElseThrow();
                long approved = System.nanoTime();
                if (outcome.status() != PaymentStatus.APPROVED) {
                    throw new IllegalStateException("payment " + i + " not approved: " + outcome);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!approvedReadAt.containsKey(id)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the APPROVED event of payment " + i + " never came");
                    }
                    Thread.onSpinWait();
                }
                if (i >= 0) {
                    delays[i] = Math.max(0, approvedReadAt.get(id) - approved);
                    taps[i] = approved - start;
                }
            }
            stream.body().close();
            return new Result(Bench.Stats.of(delays), Bench.Stats.of(taps));
        }
    }

    static String render(Result r, boolean alone) throws java.io.IOException {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append(" (").append(PAYMENTS).append(" payments, online)\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("events"));
        }
        md.append(String.format("Each payment is approved through the simulated scanner while a till on the same"
                + " machine reads `GET /api/v1/events` over HTTP (Java's HttpClient). Timed from the check's"
                + " return (approval committed and published) to the till's read of the APPROVED event; an event"
                + " read before the check returned counts as 0. After %d untimed payments.%n%n", WARMUP));
        md.append("| measurement | p50 (ms) | p99 (ms) | max (ms) |\n|---|---|---|---|\n");
        md.append(String.format("| approval to the till's read of the event | %.2f | %.2f | %.2f |%n", r.delay().p50(),
                r.delay().p99(), r.delay().max()));
        md.append(String.format("| for scale: tap to approve (the check itself) | %.2f | %.2f | %.2f |%n",
                r.tapToApprove().p50(), r.tapToApprove().p99(), r.tapToApprove().max()));
        return md.toString();
    }
}
