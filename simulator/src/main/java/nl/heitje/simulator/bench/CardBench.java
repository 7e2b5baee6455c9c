// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import nl.heitje.config.TerminalConfig;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.Simulator;
import nl.heitje.simulator.card.SigningCardApplet;
import nl.heitje.simulator.card.VirtualReader;
import nl.heitje.simulator.card.VirtualReaders;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.PaymentEvents;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Card tap to approve, in-process: a signing card put on the simulator's virtual reader, read by the terminal's own
 * PC/SC adapter through {@code javax.smartcardio}, until the terminal publishes APPROVED. Each tap is split into the
 * time spent inside the card (its applet answering SELECT, GET INFO and SIGN, here in Java: the chip's share on a real
 * card) and the rest, the terminal's share. The baseline, in the same run and simulator, is the QR offline tap of
 * the main section (QR text in, approval committed).
 */
final class CardBench {
    static final String HEADING = "## Card tap to approve";
    private static final int TAPS = 1000;
    private static final int WARMUP = 200;
    private static final long UNITS = 1;
    /** Well above every tap of the run together: the card signs each without asking for its PIN. */
    private static final BigInteger NO_PIN_LIMIT = BigInteger.valueOf(10_000_00);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TARGET_MS = "50";

    /** One path's taps: the whole tap, the card's share, the terminal's share, card-on-reader to first command. */
    record Taps(Bench.Stats total, Bench.Stats onCard, Bench.Stats terminal, Bench.Stats toFirstCommand,
                int commandsPerTap) {
    }

    record Result(Bench.Stats floor, Bench.Stats qrOffline, Taps offline, Taps online) {
    }

    private CardBench() {
    }

    static Result run(Path chainDir, Path dataDir) throws Exception {
        Bench.Stats commit = Bench.fsyncCommitFloor(dataDir.resolve("card-floor.db"));
        Bench.Stats ecrecover = Bench.ecrecoverFloor();
        Bench.Stats floor = new Bench.Stats(commit.p50() + ecrecover.p50(), commit.p99() + ecrecover.p99(),
                commit.max() + ecrecover.max());
        // No settlement during the run: it measures the card path, and a settlement round racing anvil's mining can
        // wrongly block the payer (USED_UNTRACEABLE), which would decline the taps that follow.
        try (Simulator simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, 0, 0, 3_600_000, Map.of(
                "offline.maxPerPayerPerDay", "100000.00", "offline.maxTotalExposure", "100000.00",
                "offline.maxCount", "100000", "till.paymentTimeoutSeconds", "3600",
                "settlement.onlinePromptSeconds", "86400")))) {
            ECKeyPair key = Keys.createEcKeyPair();
            DevWallet payer = DevWallet.of(key);
            simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(1_000_000));
            simulator.terminal().syncHolderSnapshot(); // the offline path reads the payer's funds from it
            Token token = simulator.terminal().token();
            TimedApplet card = new TimedApplet(new SigningCardApplet(key, "1234", NO_PIN_LIMIT,
                    List.of(Eip3009.domainSeparator(token))));
            String readerName = simulator.terminal().config().devices().cardReader()
                    .flatMap(TerminalConfig.CardReader::readerName).orElseThrow();
            VirtualReader reader = VirtualReaders.find(readerName).orElseThrow();
            Decisions decisions = new Decisions(simulator.terminal().events());

            Taps online = taps(simulator, reader, card, decisions, "online");
            simulator.network().setOnline(false);
            simulator.terminal().connectivity().markOffline();
            Bench.Stats qrOffline = Bench.tapToApprove(simulator, payer, "offline");
            Taps offline = taps(simulator, reader, card, decisions, "offline");
            simulator.network().setOnline(true);
            return new Result(floor, qrOffline, offline, online);
        }
    }

    private static Taps taps(Simulator simulator, VirtualReader reader, TimedApplet card, Decisions decisions,
                             String path) throws Exception {
        Token token = simulator.terminal().token();
        long[] total = new long[TAPS];
        long[] onCard = new long[TAPS];
        long[] terminal = new long[TAPS];
        long[] toFirstCommand = new long[TAPS];
        int commands = 0;
        for (int i = -WARMUP; i < TAPS; i++) {
            Payment waiting = simulator.terminal().desk().request(new Money(UNITS, token), "card-" + path + "-" + i)
                    .payment();
            CompletableFuture<Long> decided = decisions.expect(waiting.id());
            // Only once the reader loop waits for a card: a tap is timed from the card's arrival, not the loop's return.
            if (!reader.awaitTapWanted(DEADLINE)) {
                throw new IllegalStateException("the card reader did not get ready for a card");
            }
            card.take();
            long start = System.nanoTime();
            reader.insert(card);
            long end;
            try {
                end = decided.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                reader.remove();
            }
            TimedApplet.Work work = card.take();
            Payment outcome = simulator.terminal().desk().find(waiting.id()).orElseThrow();
            if (outcome.status() != PaymentStatus.APPROVED || outcome.offline() != path.equals("offline")) {
                throw new IllegalStateException(path + " card tap " + i + " not approved as expected: " + outcome);
            }
            if (i >= 0) {
                total[i] = end - start;
                onCard[i] = work.nanos();
                terminal[i] = total[i] - onCard[i];
                toFirstCommand[i] = work.firstCommandAt() - start;
                commands = work.commands();
            }
        }
        return new Taps(Bench.Stats.of(total), Bench.Stats.of(onCard), Bench.Stats.of(terminal),
                Bench.Stats.of(toFirstCommand), commands);
    }

    /** When each payment's final event reached a subscriber: the moment the lights and the staff screen learn it. */
    private static final class Decisions {
        private final Map<String, CompletableFuture<Long>> expected = new ConcurrentHashMap<>();

        Decisions(PaymentEvents events) {
            events.subscribe(this::seen);
        }

        CompletableFuture<Long> expect(String paymentId) {
            return expected.computeIfAbsent(paymentId, id -> new CompletableFuture<>());
        }

        private void seen(PaymentEvent event) {
            long at = System.nanoTime();
            if (event.state().isFinal()) {
                CompletableFuture<Long> waiting = expected.remove(event.payment().id());
                if (waiting != null) {
                    waiting.complete(at);
                }
            }
        }
    }

    static String render(Result result, boolean alone) throws IOException {
        Bench.Stats baseline = result.qrOffline();
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append(" (card on the reader -> APPROVED), ").append(TAPS).append(" taps each, after ")
                .append(WARMUP).append(" warm-up\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("card"));
        }
        md.append("A signing card (the simulator's applet) put on the virtual reader, read by the terminal's own ")
                .append("`PcscCardReader` through the simulated `javax.smartcardio` provider, in one JVM with the real ")
                .append("terminal and anvil; timed from the card's arrival on a waiting reader to the APPROVED event ")
                .append("reaching a subscriber. Each tap is ").append(result.offline().commandsPerTap())
                .append(" commands (SELECT, GET INFO, SIGN), ").append(UNITS)
                .append(" unit, under the card's no-PIN limit. \"On the card\" is the time inside the applet's ")
                .append("`process` (SELECT, GET INFO, and the secp256k1 signature in Java); the terminal's share is the ")
                .append("total less that. Baseline: the QR offline tap of the main section (QR text in -> approval ")
                .append("committed), ").append(TAPS).append(" payments in the same run and simulator. No settlement runs ")
                .append("during this section (the main section's online path has it running).\n\n");
        md.append("| measurement | p50 ms | p99 ms | max ms | p50 / baseline | p99 / baseline |\n|---|---|---|---|---|---|\n");
        md.append(row("floor: fsync'd commit + ecrecover, as in the main section", result.floor(),
                null));
        md.append(String.format("| baseline: QR offline tap (p50, p99 / floor: %.2f, %.2f) | %.3f | %.3f | %.3f | 1.00 | 1.00 |%n",
                baseline.p50() / result.floor().p50(), baseline.p99() / result.floor().p99(), baseline.p50(),
                baseline.p99(), baseline.max()));
        taps(md, "offline", result.offline(), baseline);
        taps(md, "online", result.online(), baseline);
        md.append("\nTarget: the terminal's share under ").append(TARGET_MS).append(" ms a tap.\n");
        return md.toString();
    }

    private static void taps(StringBuilder md, String path, Taps taps, Bench.Stats baseline) {
        md.append(row("card " + path + ": total", taps.total(), baseline));
        md.append(row("card " + path + ": on the card (APDU processing)", taps.onCard(), null));
        md.append(row("card " + path + ": terminal's share (total - on the card)", taps.terminal(), baseline));
        md.append(row("card " + path + ": card on reader -> first command reaches it", taps.toFirstCommand(), null));
    }

    private static String row(String name, Bench.Stats s, Bench.Stats baseline) {
        return String.format("| %s | %.3f | %.3f | %.3f | %s | %s |%n", name, s.p50(), s.p99(), s.max(),
                baseline == null ? "" : String.format("%.2f", s.p50() / baseline.p50()),
                baseline == null ? "" : String.format("%.2f", s.p99() / baseline.p99()));
    }
}
