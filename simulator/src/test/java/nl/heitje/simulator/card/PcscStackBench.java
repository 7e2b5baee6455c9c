// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * The numbers for docs/benchmarks.md's PC/SC section, through the real stack (pcscd + vpcd, the JDK's PC/SC
 * provider in a child JVM, the terminal's own card adapter): APDU round trips with and without quick ACKs, and card
 * taps one after another, split into pcscd noticing the card, the card's own work and the transport. Asserts that
 * every command was answered and every tap signed; the timings are printed ({@code PCSC-BENCH} lines), not asserted.
 */
class PcscStackBench {
    private static final byte[] ADDRESS = HexFormat.of().parseHex("f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    private static final int APDUS = 1000;
    /** Each waits ~40 ms for a delayed ACK: enough for a median without a minute of waiting. */
    private static final int APDUS_DELAYED = 50;
    private static final int WARMUP_TAPS = 10;
    private static final int TAPS = 40;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern TAP = Pattern.compile(
            "signed address=(\\w+) recovers=(\\w+) micros=(\\d+) handedAtMicros=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void apduRoundTripsWithAndWithoutQuickAcks() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir)) {
            try (VpcdLink card = VpcdLink.insert(pcscd.vpcd(), new InfoCardApplet(ADDRESS))) {
                PcscClient.Result quick = PcscClient.run(pcscd.clientEnvironment(), dir, "bench", PcscStack.READER,
                        Integer.toString(APDUS));
                assertEquals(Integer.toString(APDUS), quick.get("apdus"), quick.output());
                assertEquals(APDUS + 1, card.apdusAnswered(), "SELECT and every GET INFO reached the applet");
                report("apdu quickack=on n=" + APDUS, quick);
            }
        }
        // A pcscd of its own: the slot then takes the new card without waiting for pcscd to see the last one go.
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir.resolve("delayed"))) {
            try (VpcdLink card = VpcdLink.insertWithDelayedAcks(pcscd.vpcd(), new InfoCardApplet(ADDRESS))) {
                PcscClient.Result delayed = PcscClient.run(pcscd.clientEnvironment(), dir, "bench", PcscStack.READER,
                        Integer.toString(APDUS_DELAYED));
                assertEquals(Integer.toString(APDUS_DELAYED), delayed.get("apdus"), delayed.output());
                assertEquals(APDUS_DELAYED + 1, card.apdusAnswered());
                report("apdu quickack=off n=" + APDUS_DELAYED, delayed);
            }
        }
    }

    @Test
    void cardTapsOneAfterAnotherThroughTheTerminalsAdapter() throws Exception {
        byte[] domain = new byte[32];
        Arrays.fill(domain, (byte) 0x42);
        ECKeyPair key = ECKeyPair.create(BigInteger.valueOf(424242));
        SigningCardApplet applet = new SigningCardApplet(key, "1234", BigInteger.valueOf(1_000_000), List.of(domain));
        AtomicLong onCardNanos = new AtomicLong();
        CardApplet timed = command -> {
            long start = System.nanoTime();
            try {
                return applet.process(command);
            } finally {
                onCardNanos.addAndGet(System.nanoTime() - start);
            }
        };
        int all = WARMUP_TAPS + TAPS;
        long[] detect = new long[TAPS];
        long[] exchange = new long[TAPS];
        long[] onCard = new long[TAPS];
        long[] transport = new long[TAPS];
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             PcscClient.Running client = PcscClient.start(pcscd.clientEnvironment(), dir, "adapter-taps",
                     PcscStack.READER, HexFormat.of().formatHex(domain), Integer.toString(all))) {
            for (int i = 0; i < all; i++) {
                onCardNanos.set(0);
                long insertedAt = epochMicros(Instant.now());
                String tap;
                try (VpcdLink card = VpcdLink.insert(pcscd.vpcd(), timed)) {
                    tap = client.await("tap" + i, DEADLINE);
                    awaitDisconnected(card);
                }
                assertEquals("true", client.await("gone" + i, DEADLINE), client.output());
                Matcher m = TAP.matcher(tap);
                assertTrue(m.find(), "tap " + i + ": " + tap);
                assertEquals(applet.address().hex(), m.group(1));
                assertEquals("true", m.group(2), "the signature recovers to the card");
                if (i >= WARMUP_TAPS) {
                    int n = i - WARMUP_TAPS;
                    detect[n] = Long.parseLong(m.group(4)) - insertedAt;
                    exchange[n] = Long.parseLong(m.group(3));
                    onCard[n] = onCardNanos.get() / 1_000;
                    transport[n] = exchange[n] - onCard[n];
                }
            }
        }
        print("taps n=" + TAPS + " after " + WARMUP_TAPS + " warm-up");
        print("card on reader -> adapter has the card (pcscd notices, connect) us " + percentiles(detect));
        print("SELECT + GET INFO + SIGN through the adapter us " + percentiles(exchange));
        print("  of which on the card (applet process) us " + percentiles(onCard));
        print("  of which transport (adapter, JDK PC/SC, pcscd, vpcd, TCP) us " + percentiles(transport));
    }

    /**
     * Holds the card on the reader until the adapter's disconnect (with reset) has reached it: a card taken away during
     * that reset leaves vpcd's slot stuck. Now and then no reset comes at all; the card then leaves after a while.
     */
    private static void awaitDisconnected(VpcdLink card) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!(card.apdusAnswered() >= 3 && card.resetSinceLastApdu()) && System.nanoTime() < until) {
            Thread.sleep(1);
        }
    }

    private static void report(String what, PcscClient.Result result) {
        print(what + " median us " + result.get("medianMicros") + ", p90 us " + result.get("p90Micros")
                + ", max us " + result.get("maxMicros"));
    }

    private static String percentiles(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return "p50 " + sorted[sorted.length / 2] + ", p90 " + sorted[(int) Math.ceil(sorted.length * 0.9) - 1]
                + ", max " + sorted[sorted.length - 1];
    }

    private static long epochMicros(Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    private static void print(String line) {
        System.out.println("PCSC-BENCH " + line);
    }
}
