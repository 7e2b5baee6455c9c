// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.LocalChain;
import nl.heitje.simulator.SimulatorProcess;
import nl.heitje.simulator.Simulator;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * {@code simulator/bench}: measures tap-to-approve (QR text in, approval committed) on the online and offline
 * paths against its floor (one fsync'd SQLite commit plus one ecrecover, measured alone in the same run),
 * settlement gas per redemption in batches against single submissions, and the first sync of the holder snapshot
 * against one plain {@code eth_getLogs} of the same events. Writes docs/benchmarks.md.
 *
 * <p>{@code simulator/bench --only snapshot [REPORT.md]} runs the snapshot section alone and rewrites only that
 * section of the report, keeping the rest of the file as it is.
 */
public final class Bench {
    private static final int PAYMENTS = 1000;
    /** Enough rounds for the JIT to finish compiling SQLite's JDBC path and secp256k1 before anything is timed. */
    private static final int FLOOR_WARMUP = 2000;
    /** The tap paths run on the already-warm crypto and JDBC code; this warms what they add. */
    private static final int WARMUP = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path chainDir = Path.of(System.getProperty("simulator.home", "simulator")).resolve("chain");
        List<String> arguments = new ArrayList<>(List.of(args));
        String onlySection = null;
        int only = arguments.indexOf("--only");
        if (only >= 0) {
            if (only + 1 >= arguments.size() || !List.of("snapshot", "backlog", "camera", "card", "service", "events").contains(arguments.get(only + 1))) {
                throw new IllegalArgumentException("usage: bench [--only snapshot|backlog|camera|card|service|events] [REPORT.md]");
            }
            onlySection = arguments.get(only + 1);
            arguments.subList(only, only + 2).clear();
        }
        Path report = Path.of(arguments.isEmpty() ? "docs/benchmarks.md" : arguments.get(0));
        Path dataDir = Files.createTempDirectory("heitje-bench-");
        if (onlySection != null) {
            String section;
            String heading;
            if (onlySection.equals("snapshot")) {
                section = SnapshotBench.render(SnapshotBench.run(chainDir, dataDir), true);
                heading = SnapshotBench.HEADING;
            } else if (onlySection.equals("camera")) {
                section = CameraBench.render(CameraBench.run(), true);
                heading = CameraBench.HEADING;
            } else if (onlySection.equals("service")) {
                section = ServiceBench.render(ServiceBench.run(chainDir, dataDir), true);
                heading = ServiceBench.HEADING;
            } else if (onlySection.equals("events")) {
                section = EventsBench.render(EventsBench.run(chainDir, dataDir), true);
                heading = EventsBench.HEADING;
            } else if (onlySection.equals("card")) {
                section = CardBench.render(CardBench.run(chainDir, dataDir), true);
                heading = CardBench.HEADING;
            } else {
                section = BacklogBench.render(BacklogBench.run(chainDir, dataDir), true);
                heading = BacklogBench.HEADING;
            }
            String existing = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n\n";
            Files.writeString(report, splice(existing, heading, section));
            System.out.println(section);
            return;
        }

        Stats commit = fsyncCommitFloor(dataDir.resolve("floor.db"));
        Stats ecrecover = ecrecoverFloor();
        Stats online;
        Stats offline;
        Map<String, Double> gas;
        try (Simulator simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, 0, 0, 1000, Map.of(
                "offline.maxPerPayerPerDay", "100000.00", "offline.maxTotalExposure", "100000.00",
                "offline.maxCount", "100000", "till.paymentTimeoutSeconds", "3600")))) {
            DevWallet payer = DevWallet.create();
            simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(1_000_000));
            simulator.terminal().syncHolderSnapshot(); // the offline path reads the payer's funds from it
            online = tapToApprove(simulator, payer, "online");
            simulator.network().setOnline(false);
            simulator.terminal().connectivity().markOffline();
            offline = tapToApprove(simulator, payer, "offline");
            simulator.network().setOnline(true);
            gas = settlementGas(simulator);
        }
        Map<String, Long> peakRssKb = new java.util.LinkedHashMap<>();
        for (List<String> jvmOptions : RSS_JVM_OPTIONS) {
            peakRssKb.put(String.join(" ", jvmOptions),
                    peakRssOfSimulatorUnderLoad(Files.createTempDirectory("heitje-rss-"), jvmOptions));
        }
        String markdown = render(commit, ecrecover, online, offline, gas, peakRssKb)
                + "\n" + SnapshotBench.render(SnapshotBench.run(chainDir, dataDir), false)
                + "\n" + BacklogBench.render(BacklogBench.run(chainDir, Files.createTempDirectory("heitje-backlog-")),
                false)
                + "\n" + CameraBench.render(CameraBench.run(), false)
                + "\n" + CardBench.render(CardBench.run(chainDir, Files.createTempDirectory("heitje-card-")), false)
                + "\n" + ServiceBench.render(ServiceBench.run(chainDir, Files.createTempDirectory("heitje-service-")),
                false)
                + "\n" + EventsBench.render(EventsBench.run(chainDir, Files.createTempDirectory("heitje-events-")),
                false);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, markdown + keptReading(report));
        System.out.println(markdown);
    }

    /**
     * What of the report being replaced no run of this program measures, kept from its first heading on: the numbers
     * of the PC/SC stack (measured by a test with its own pcscd, {@code PcscStackBench}), then the hand-written
     * "Reading these numbers".
     */
    static final String PCSC_HEADING = "## Card taps through pcscd + vpcd";

    static String keptReading(Path report) throws IOException {
        String old = Files.exists(report) ? Files.readString(report) : "";
        int kept = -1;
        for (String heading : List.of(PCSC_HEADING, "## Reading these numbers")) {
            int at = old.indexOf("\n" + heading);
            if (at >= 0 && (kept < 0 || at < kept)) {
                kept = at;
            }
        }
        if (kept < 0) {
            return "";
        }
        String rest = old.substring(kept + 1);
        // A section this run writes itself, found after the kept heading (one run alone was spliced there), goes:
        // kept, it would stand in the report twice.
        for (String written : List.of(SnapshotBench.HEADING, BacklogBench.HEADING, CameraBench.HEADING,
                CardBench.HEADING, ServiceBench.HEADING)) {
            rest = withoutSection(rest, written);
        }
        return "\n" + rest;
    }

    /** The report without the section under this heading (up to the next {@code ## } heading), if it has one. */
    static String withoutSection(String report, String heading) {
        int start = report.indexOf("\n" + heading);
        if (start < 0) {
            return report;
        }
        int end = report.indexOf("\n## ", start + 1);
        return report.substring(0, start + 1) + (end < 0 ? "" : report.substring(end + 1));
    }

    /** The preamble of a section run alone: it was not measured with the rest, so it names its own run. */
    static String aloneHeader(String section) throws IOException {
        return "Run alone (`simulator/bench --only " + section + "`), so its own run:\n\n"
                + "- date: " + java.time.LocalDate.now() + "\n"
                + "- machine: " + machine() + "\n"
                + "- java: " + System.getProperty("java.vm.name") + ' ' + System.getProperty("java.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB\n\n";
    }

    /**
     * The report with a section put in: in place of an earlier one under the same heading (up to the next
     * {@code ## } heading), else before "Reading these numbers", else at the end.
     */
    static String splice(String report, String heading, String section) {
        int start = report.indexOf("\n" + heading);
        if (start >= 0) {
            int end = report.indexOf("\n## ", start + 1);
            return report.substring(0, start + 1) + section + (end < 0 ? "" : "\n" + report.substring(end + 1));
        }
        int reading = report.indexOf("\n## Reading these numbers");
        if (reading >= 0) {
            return report.substring(0, reading + 1) + section + "\n" + report.substring(reading + 1);
        }
        return report + (report.endsWith("\n\n") ? "" : report.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /** Latency percentiles in milliseconds. */
    record Stats(double p50, double p99, double max) {
        static Stats of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Stats(sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }
    }

    static Stats fsyncCommitFloor(Path file) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                // Like the journal, which checkpoints on a timer: the floor is the commit, not SQLite's checkpoint.
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("CREATE TABLE floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
            }
            long[] nanos = new long[PAYMENTS];
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO floor (payload) VALUES (?)")) {
                for (int i = -FLOOR_WARMUP; i < PAYMENTS; i++) {
                    insert.setString(1, "x".repeat(600));
                    long start = System.nanoTime();
                    insert.executeUpdate();
                    if (i >= 0) {
                        nanos[i] = System.nanoTime() - start;
                    }
                }
            }
            return Stats.of(nanos);
        }
    }

    static Stats ecrecoverFloor() throws Exception {
        ECKeyPair key = Keys.createEcKeyPair();
        long[] nanos = new long[PAYMENTS];
        for (int i = -FLOOR_WARMUP; i < PAYMENTS; i++) {
            byte[] digest = new byte[32];
            RANDOM.nextBytes(digest);
            Signature signature = Signatures.sign(digest, key);
            long start = System.nanoTime();
            Optional<Address> signer = Signatures.recoverSigner(digest, signature);
            long took = System.nanoTime() - start;
            if (signer.isEmpty()) {
                throw new IllegalStateException("floor ecrecover failed");
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        return Stats.of(nanos);
    }

    /** QR text in to approval committed, through the terminal's own desk (the path every scanner uses). */
    static Stats tapToApprove(Simulator simulator, DevWallet payer, String path) {
        Token token = simulator.terminal().token();
        Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
        long[] nanos = new long[PAYMENTS];
        for (int i = -WARMUP; i < PAYMENTS; i++) {
            String code = PaymentQrCodec.encode(payer.authorize(token, merchant, 1, twoDaysFromNow()));
            simulator.terminal().desk().request(new Money(1, token), path + "-" + i);
            long start = System.nanoTime();
            var outcome = simulator.scanner().scan(code).payment().orElseThrow();
            long took = System.nanoTime() - start;
            if (outcome.status() != PaymentStatus.APPROVED || outcome.offline() != path.equals("offline")) {
                throw new IllegalStateException(path + " payment " + i + " not approved as expected: " + outcome);
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        return Stats.of(nanos);
    }

    private static long twoDaysFromNow() {
        return Instant.now().getEpochSecond() + 2 * 86_400;
    }

    /** Gas per redemption, distinct payers (the realistic case), settled through the terminal's own chain adapter. */
    private static Map<String, Double> settlementGas(Simulator simulator) throws Exception {
        Token token = simulator.terminal().token();
        Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
        // A settlement account of its own, so the running terminal's settlement nonces are not disturbed.
        Credentials relayer = Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
        Web3j web3j = Web3j.build(new HttpService(simulator.chain().rpcUrl()));
        try {
            var single = new Web3jChain(web3j, LocalChain.CHAIN_ID, relayer, Optional.empty(), 1, 1000);
            var batched = new Web3jChain(web3j, LocalChain.CHAIN_ID, relayer,
                    Optional.of(Address.parse(simulator.chain().batcher())), 50, 1000);
            Map<String, Double> perRedemption = new java.util.LinkedHashMap<>();
            long singleTotal = 0;
            for (int i = 0; i < 10; i++) {
                singleTotal += settle(single, simulator, List.of(fundedAuthorization(simulator, token, merchant)));
            }
            perRedemption.put("single transferWithAuthorization", singleTotal / 10.0);
            for (int size : new int[] {1, 10, 50}) {
                List<TransferAuthorization> batch = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    batch.add(fundedAuthorization(simulator, token, merchant));
                }
                perRedemption.put("aggregate3 batch of " + size, settle(batched, simulator, batch) / (double) size);
            }
            return perRedemption;
        } finally {
            web3j.shutdown();
        }
    }

    private static TransferAuthorization fundedAuthorization(Simulator simulator, Token token, Address merchant)
            throws Exception {
        DevWallet payer = DevWallet.create();
        simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(10_000));
        return payer.authorize(token, merchant, 450, twoDaysFromNow());
    }

    private static long settle(Web3jChain chain, Simulator simulator, List<TransferAuthorization> authorizations)
            throws Exception {
        SettlementChain.SignedTransaction signed = chain.sign(authorizations, chain.nextAccountNonce(),
                chain.suggestedFees());
        chain.broadcast(signed.raw());
        for (int attempt = 0; attempt < 200; attempt++) {
            Optional<SettlementChain.Receipt> receipt = chain.receipt(signed.hash());
            if (receipt.isPresent()) {
                if (receipt.get().consumed().size() != authorizations.size()) {
                    throw new IllegalStateException("only " + receipt.get().consumed().size() + " of " + authorizations.size()
                            + " settled in " + signed.hash());
                }
                return receipt.get().gasUsed();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no receipt for " + signed.hash());
    }

    /**
     * Peak resident memory (VmHWM) of the simulator JVM, run as {@code simulator/run} runs it but with -Xmx64m, after
     * {@value #RSS_PAYMENTS} payments through the till API and {@code /sim/qr}.
     */
    private static long peakRssOfSimulatorUnderLoad(Path dataDir, List<String> jvmOptions) throws Exception {
        try (SimulatorProcess simulator = SimulatorProcess.start(String.join(" ", jvmOptions), dataDir)) {
            Token token = LocalChain.heitjeAt(simulator.get(simulator.control + "/sim/chain", false).body()
                    .get("token").asText());
            DevWallet payer = DevWallet.create();
            simulator.postJson(simulator.control + "/sim/chain/fund",
                    Map.of("address", payer.address().hex(), "amount", "100.00"), false);
            Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
            for (int i = 0; i < RSS_PAYMENTS; i++) {
                simulator.postJson(simulator.api + "/api/v1/payments", Map.of("amount", "0.01", "reference", "rss-" + i), true);
                String code = PaymentQrCodec.encode(payer.authorize(token, merchant, 1, twoDaysFromNow()));
                var answer = simulator.postBytes(simulator.control + "/sim/qr", "text/plain",
                        code.getBytes(StandardCharsets.UTF_8));
                if (!"APPROVED".equals(answer.body().path("payment").path("status").asText())) {
                    throw new IllegalStateException("payment " + i + " not approved: " + answer.body());
                }
            }
            return simulator.peakRssKb();
        }
    }

    private static final int RSS_PAYMENTS = 300;
    /** The heap cap the issue sets, alone and with the small-device settings a Raspberry Pi unit could use. */
    private static final List<List<String>> RSS_JVM_OPTIONS = List.of(
            List.of("-Xmx64m"),
            List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=32m", "-Xss512k"));

    private static String render(Stats commit, Stats ecrecover, Stats online, Stats offline, Map<String, Double> gas,
                                 Map<String, Long> peakRssKb) throws IOException {
        double floorP50 = commit.p50() + ecrecover.p50();
        double floorP99 = commit.p99() + ecrecover.p99();
        double singleGas = gas.get("single transferWithAuthorization");
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `simulator/bench` (").append(Bench.class.getName()).append("); every number below comes from one run, except in a section run alone (`--only`), which names its own.\n\n");
        md.append("- date: ").append(LocalDate.now()).append("\n");
        md.append("- machine: ").append(machine()).append("\n");
        md.append("- java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", max heap ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MB\n\n");
        md.append("## Tap to approve (QR text in -> approval committed), ").append(PAYMENTS).append(" payments each, after ")
                .append(WARMUP).append(" warm-up (floors: ").append(FLOOR_WARMUP).append(")\n\n");
        md.append("| path | p50 ms | p99 ms | max ms | p50 / floor | p99 / floor |\n|---|---|---|---|---|---|\n");
        md.append(row("floor: fsync'd SQLite commit (WAL, synchronous=FULL)", commit, Double.NaN, Double.NaN));
        md.append(row("floor: ecrecover (web3j)", ecrecover, Double.NaN, Double.NaN));
        md.append(row("floor: commit + ecrecover", new Stats(floorP50, floorP99, commit.max() + ecrecover.max()), 1, 1));
        md.append(row("offline path (no chain reads)", offline, offline.p50() / floorP50, offline.p99() / floorP99));
        md.append(row("online path (authorizationState + balanceOf on anvil)", online, online.p50() / floorP50,
                online.p99() / floorP99));
        md.append("\nTarget: offline p99 within 3x the floor and under 25 ms.\n\n");
        md.append("## Settlement gas per redemption (distinct payers, anvil)\n\n");
        md.append("| submission | gas per redemption | ratio to single |\n|---|---|---|\n");
        gas.forEach((name, perItem) -> md.append(String.format("| %s | %.0f | %.3f |%n", name, perItem, perItem / singleGas)));
        md.append("\nTarget: batches of 50 at <= 0.55x single.\n\n");
        md.append("## Memory\n\nPeak RSS (VmHWM) of the simulator JVM (terminal + simulated devices + control API) after ")
                .append(RSS_PAYMENTS).append(" payments through the till API and `/sim/qr`. The end-to-end test ")
                .append("(`PaymentEndToEndIT`) runs with `-Xmx64m`.\n\n| JVM options | peak RSS MB |\n|---|---|\n");
        peakRssKb.forEach((options, kb) -> md.append("| `").append(options).append("` | ").append(kb / 1024).append(" |\n"));
        return md.toString();
    }

    private static String row(String name, Stats s, double ratio50, double ratio99) {
        return String.format("| %s | %.3f | %.3f | %.3f | %s | %s |%n", name, s.p50(), s.p99(), s.max(),
                Double.isNaN(ratio50) ? "" : String.format("%.2f", ratio50), Double.isNaN(ratio99) ? "" : String.format("%.2f", ratio99));
    }

    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown cpu");
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", host "
                + InetAddress.getLocalHost().getHostName();
    }
}
