// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * The terminal's meters in Prometheus' text format (docs/metrics.md). Payment outcomes and decision times come from
 * the payment events, on the events' own thread, so the payment desk never waits for a meter; everything else is a
 * gauge read only when scraped.
 */
public final class TerminalMetrics {
    private static final Logger LOG = Logger.getLogger(TerminalMetrics.class.getName());
    /** A sale's first presentation waits at most this many others before the oldest is forgotten. */
    private static final int MAX_TRACKED_SESSIONS = 1000;
    private static final Duration[] DECISION_BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    /**
     * One purse's gauges.
     *
     * @param offlineExposureUnits offline approvals not yet settled, in the purse's base units
     * @param decimals             the purse's decimals, to show the exposure in tokens
     */
    public record Purse(String symbol, int decimals, LongSupplier offlineExposureUnits) {
    }

    /**
     * One chain's settlement gauges.
     *
     * @param oldestUnsettled when the oldest approval that is not yet settled (nor failed) was recorded
     * @param failed          settlements on this chain that failed for good
     */
    public record Chain(long chainId, Supplier<Optional<Instant>> oldestUnsettled, LongSupplier failed,
                        LongSupplier pending) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Instant> firstPresented = new ConcurrentHashMap<>();

    /** Gauges hold their sources strongly ({@code strongReference}): a collected source would read NaN for ever. */
    public TerminalMetrics(PaymentEvents events, List<Purse> purses, List<Chain> chains, Path journal, Clock clock) {
        new JvmMemoryMetrics().bindTo(registry);
        for (Purse purse : purses) {
            Gauge.builder("heitje.offline.exposure", purse, p -> safely(() -> new BigDecimal(
                            p.offlineExposureUnits().getAsLong()).movePointLeft(p.decimals()).doubleValue()))
                    .description("offline approvals not yet settled, in tokens of the purse")
                    .tag("purse", purse.symbol()).strongReference(true).register(registry);
        }
        for (Chain chain : chains) {
            Tags tags = Tags.of("chain", Long.toString(chain.chainId()));
            TimeGauge.builder("heitje.settlement.lag", chain, java.util.concurrent.TimeUnit.SECONDS,
                            c -> safely(() -> c.oldestUnsettled().get()
                                    .map(at -> Math.max(0, Duration.between(at, clock.instant()).toMillis()) / 1000.0)
                                    .orElse(0.0)))
                    .description("age of the oldest approval not yet settled on this chain; 0 when none waits")
                    .tags(tags).strongReference(true).register(registry);
            Gauge.builder("heitje.settlement.failed", chain, c -> safely(() -> (double) c.failed().getAsLong()))
                    .description("settlements on this chain that failed for good (each one a loss to acknowledge)")
                    .tags(tags).strongReference(true).register(registry);
            Gauge.builder("heitje.settlement.pending", chain, c -> safely(() -> (double) c.pending().getAsLong()))
                    .description("approvals on this chain waiting to be settled")
                    .tags(tags).strongReference(true).register(registry);
        }
        Gauge.builder("heitje.journal.size", journal, TerminalMetrics::fileBytes)
                .description("bytes of the journal's SQLite files (the database and its write-ahead log)")
                .baseUnit("bytes").strongReference(true).register(registry);
        events.subscribe(this::onEvent);
    }

    /** Every meter in Prometheus' text exposition format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}'s answer. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private void onEvent(PaymentEvent event) {
        String id = event.payment().id();
        SessionState state = event.state();
        if (state == SessionState.READING_CARD || state == SessionState.CHECKING
                || state == SessionState.AWAITING_PIN) {
            if (firstPresented.size() >= MAX_TRACKED_SESSIONS && !firstPresented.containsKey(id)) {
                firstPresented.clear(); // only abandoned sessions pile up this far; forgetting them costs a sample
            }
            firstPresented.putIfAbsent(id, event.at());
            return;
        }
        if (!state.isFinal()) {
            return;
        }
        String outcome = state.name().toLowerCase(java.util.Locale.ROOT);
        String code = event.payment().declineCode() == null ? "none" : event.payment().declineCode().name();
        String purse = event.payment().purse() == null ? "none" : event.payment().purse().symbol();
        Counter.builder("heitje.payments").description("payment sessions ended, by outcome, decline code and purse")
                .tags("outcome", outcome, "code", code, "purse", purse).register(registry).increment();
        Instant presented = firstPresented.remove(id);
        if (presented != null && (state == SessionState.APPROVED || state == SessionState.DECLINED)) {
            Timer.builder("heitje.payment.decision")
                    .description("from the first presentation of a card or code to the approval or decline")
                    .serviceLevelObjectives(DECISION_BUCKETS)
                    .tag("outcome", outcome).register(registry)
                    .record(Duration.between(presented, event.at()).abs());
        }
    }

    private static double fileBytes(Path journal) {
        long bytes = 0;
        for (String suffix : List.of("", "-wal")) {
            try {
                bytes += Files.size(journal.resolveSibling(journal.getFileName() + suffix));
            } catch (IOException absent) {
                // no write-ahead log between checkpoints, or no journal yet
            }
        }
        return bytes;
    }

    /** A gauge that cannot be read shows NaN for this scrape rather than failing the whole scrape. */
    private static double safely(Supplier<Double> read) {
        try {
            return read.get();
        } catch (RuntimeException unreadable) {
            LOG.log(Level.FINE, "a gauge could not be read", unreadable);
            return Double.NaN;
        }
    }
}
