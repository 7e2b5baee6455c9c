// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import nl.heitje.simulator.devices.SocatPtys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.LocalChain;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;

/**
 * The service as systemd runs it: {@code TerminalMain} in its own JVM, on the terminal's own runtime classpath (the
 * jars the package's lib/ holds, no simulator), from a config file, under the JVM options of the unit
 * (read from {@code packaging/src/deb/systemd/heitje-terminal.service}). Measures the wall time from process start to
 * its {@code terminal ready:} line, with and without an AppCDS archive made by a training run, against a bare
 * {@code java -version} under the same options; and the peak RSS after {@value #PAYMENTS} payments, each created
 * through the till API and approved by a signed code written to a serial scanner (a socat pty pair).
 */
final class ServiceBench {
    static final String HEADING = "## Service start-up and memory (TerminalMain under the unit's JVM options)";
    static final int STARTS = 7;
    static final int PAYMENTS = 300;
    private static final String API_TOKEN = "a-bench-api-token-of-enough-length";
    private static final Pattern READY = Pattern.compile("terminal ready: api=(http://127\\.0\\.0\\.1:[0-9]+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Deadlines for a loaded two-core machine, never expected durations. */
    private static final long DEADLINE_SECONDS = 120;

    record Result(List<String> jvmOptions, double baselineMs, double withoutArchiveMs, double withArchiveMs,
                  long archiveBytes, long rssWithoutArchiveKb, long rssWithArchiveKb) {
    }

    private ServiceBench() {
    }

    static Result run(Path chainDir, Path dataDir) throws Exception {
        Path root = Path.of(System.getProperty("simulator.home", "simulator")).toAbsolutePath().getParent();
        List<String> jvmOptions = unitJvmOptions(root.resolve("packaging/src/deb/systemd/heitje-terminal.service"));
        String classpath = terminalClasspath(root.resolve("terminal/target"));
        Path archive = dataDir.resolve("heitje.jsa");
        Process socat = SocatPtys.start();
        try (LocalChain chain = LocalChain.start(chainDir)) {
            List<String> ptys = SocatPtys.names(socat);
            DevWallet payer = DevWallet.create();
            chain.mint(payer.address().hex(), BigInteger.valueOf(1_000_000));
            Path config = writeConfig(chain, ptys.get(0), dataDir, "starts");

            // Training run: the classes the service loads on its way to ready and while taking payments, listed at
            // exit. The package ships this list; its postinst dumps the archive from it on the target (see
            // CDS_ARCHIVE_DUMP), and so does this bench, so that the numbers are those of what ships.
            Path classList = dataDir.resolve("heitje.classlist");
            List<String> training = new ArrayList<>(jvmOptions);
            training.add("-XX:DumpLoadedClassList=" + classList);
            try (Terminal terminal = Terminal.start(training, classpath, config, dataDir.resolve("training.log"))) {
                takePayments(terminal.api, chain, payer, ptys.get(1), 20, "training");
            }
            dumpArchive(jvmOptions, classpath, classList, archive);
            Path shipped = root.resolve(SHIPPED_CLASS_LIST);
            Files.createDirectories(shipped.getParent());
            Files.writeString(shipped, Files.readAllLines(classList).stream()
                    .filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n", "", "\n")));
            List<String> withArchive = new ArrayList<>(jvmOptions);
            withArchive.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"));

            long[] baseline = new long[STARTS];
            long[] without = new long[STARTS];
            long[] with = new long[STARTS];
            // Interleaved, so that a busy moment of the machine does not land on one variant only.
            for (int i = 0; i < STARTS; i++) {
                baseline[i] = javaVersion(jvmOptions);
                without[i] = timeToReady(jvmOptions, classpath, config, dataDir.resolve("starts.log"));
                with[i] = timeToReady(withArchive, classpath, config, dataDir.resolve("starts.log"));
            }
            long rssWithout = rssAfterPayments(jvmOptions, classpath, chain, payer, ptys, dataDir, "rss-plain");
            long rssWith = rssAfterPayments(withArchive, classpath, chain, payer, ptys, dataDir, "rss-cds");
            return new Result(jvmOptions, median(baseline), median(without), median(with), Files.size(archive),
                    rssWithout, rssWith);
        } finally {
            socat.destroy();
        }
    }

    /** Where the package's class list lives; written by this bench, shipped as /usr/share/heitje-terminal/heitje.classlist. */
    static final String SHIPPED_CLASS_LIST = "packaging/src/deb/cds/heitje.classlist";

    /** As the package's postinst does it: a static AppCDS archive of the listed classes, under the unit's options. */
    private static void dumpArchive(List<String> jvmOptions, String classpath, Path classList, Path archive)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + archive, "-cp", classpath));
        Process dump = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(archive.resolveSibling("dump.log").toFile())).start();
        if (!dump.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || dump.exitValue() != 0 || !Files.isRegularFile(archive)) {
            throw new IllegalStateException("java -Xshare:dump made no archive; its log: " + archive.resolveSibling("dump.log"));
        }
    }

    /** The -X options of the unit's ExecStart, without the CDS ones this bench varies itself. */
    static List<String> unitJvmOptions(Path unit) throws IOException {
        String execStart = Files.readAllLines(unit).stream().filter(line -> line.startsWith("ExecStart="))
                .findFirst().orElseThrow(() -> new IllegalStateException("no ExecStart in " + unit));
        return Arrays.stream(execStart.split("\\s+")).filter(option -> option.startsWith("-X"))
                .filter(option -> !option.startsWith("-XX:SharedArchiveFile") && !option.startsWith("-Xshare"))
                .collect(Collectors.toList());
    }

    /** terminal.jar and its runtime dependencies, as the terminal module's build lists them. */
    private static String terminalClasspath(Path terminalTarget) throws IOException {
        Path dependencies = terminalTarget.resolve("runtime-classpath.txt");
        try (var jars = Files.list(terminalTarget)) {
            Path terminalJar = jars.filter(jar -> jar.getFileName().toString().matches("terminal-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no terminal jar in " + terminalTarget
                            + ": build the terminal module first (simulator/bench does)"));
            return terminalJar + ":" + Files.readString(dependencies).trim();
        }
    }

    private static Path writeConfig(LocalChain chain, String serialPort, Path dataDir, String name) {
        Path config = dataDir.resolve(name + ".properties");
        new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token("HEIT", LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                        LocalChain.DECIMALS)
                .chain(chain.rpcUrl(), null)
                .set("chain.requestTimeoutMillis", "30000")
                .set("chain.paymentLookupBudgetMillis", "30000")
                // anvil mines on demand: its newest block may be old while the chain is live.
                .set("clock.maxBlockLagSeconds", "31536000")
                .set("card.reader", "none")
                .set("scanner.serial.port", serialPort)
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                .till("127.0.0.1", 0, API_TOKEN)
                .journal(dataDir.resolve(name + "-journal.db"))
                .write(config, "ServiceBench");
        return config;
    }

    private static long javaVersion(List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.add("-version");
        long start = System.nanoTime();
        Process java = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!java.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || java.exitValue() != 0) {
            throw new IllegalStateException("java -version failed under " + jvmOptions);
        }
        return System.nanoTime() - start;
    }

    private static long timeToReady(List<String> jvmOptions, String classpath, Path config, Path log) throws Exception {
        try (Terminal terminal = Terminal.start(jvmOptions, classpath, config, log)) {
            return terminal.startToReadyNanos;
        }
    }

    private static long rssAfterPayments(List<String> jvmOptions, String classpath, LocalChain chain, DevWallet payer,
                                         List<String> ptys, Path dataDir, String name) throws Exception {
        Path config = writeConfig(chain, ptys.get(0), dataDir, name);
        try (Terminal terminal = Terminal.start(jvmOptions, classpath, config, dataDir.resolve(name + ".log"))) {
            takePayments(terminal.api, chain, payer, ptys.get(1), PAYMENTS, name);
            return terminal.peakRssKb();
        }
    }

    /** Each payment created at the till, then its signed code scanned until the terminal has approved it. */
    private static void takePayments(String api, LocalChain chain, DevWallet payer, String scannerPty, int count,
                                     String prefix) throws Exception {
        Token token = chain.heitje();
        Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
        HttpClient http = HttpClient.newHttpClient();
        try (OutputStream scanner = Files.newOutputStream(Path.of(scannerPty))) {
            for (int i = 0; i < count; i++) {
                HttpRequest create = HttpRequest.newBuilder(URI.create(api + "/api/v1/payments"))
                        .header("Authorization", "Bearer " + API_TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"0.01\", \"reference\": \"" + prefix
                                + "-" + i + "\"}")).build();
                HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
                // The previous payment can read APPROVED a moment before the desk is free for the next: the till
                // asks again, as a till would.
                long busyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
                while (created.body().contains("\"BUSY\"") && System.nanoTime() < busyDeadline) {
                    Thread.sleep(5);
                    created = http.send(create, HttpResponse.BodyHandlers.ofString());
                }
                if (created.statusCode() != 201) {
                    throw new IllegalStateException("payment " + i + " not created: " + created.body());
                }
                String id = JSON.readTree(created.body()).get("id").asText();
                byte[] code = (PaymentQrCodec.encode(payer.authorize(token, merchant, 1,
                        Instant.now().getEpochSecond() + 2 * 86_400)) + "\r").getBytes(StandardCharsets.US_ASCII);
                awaitApproved(http, api, id, () -> {
                    scanner.write(code);
                    scanner.flush();
                });
            }
        }
    }

    @FunctionalInterface
    private interface Scan {
        void send() throws IOException;
    }

    /** A scan sent before the terminal has its serial port open is lost, as at a real counter: scanned again. */
    private static void awaitApproved(HttpClient http, String api, String id, Scan scan) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        JsonNode payment;
        do {
            scan.send();
            long rescan = System.nanoTime() + 2_000_000_000L;
            do {
                payment = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/payments/" + id))
                        .header("Authorization", "Bearer " + API_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                String status = payment.get("status").asText();
                if (!"WAITING".equals(status)) {
                    if (!"APPROVED".equals(status)) {
                        throw new IllegalStateException("payment " + id + " not approved: " + payment);
                    }
                    return;
                }
                Thread.sleep(5);
            } while (System.nanoTime() < rescan);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("payment " + id + " not decided within " + DEADLINE_SECONDS + " s: " + payment);
    }


    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    /** One TerminalMain process, from start to its ready line; SIGTERM and a wait for its exit on close. */
    private static final class Terminal implements AutoCloseable {
        final Process process;
        final String api;
        final long startToReadyNanos;

        private Terminal(Process process, String api, long startToReadyNanos) {
            this.process = process;
            this.api = api;
            this.startToReadyNanos = startToReadyNanos;
        }

        static Terminal start(List<String> jvmOptions, String classpath, Path config, Path log) throws Exception {
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classpath, "nl.heitje.terminal.TerminalMain", "--config", config.toString()));
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (Exception timeout) {
                process.destroyForcibly();
                throw new IllegalStateException("TerminalMain printed no ready line within " + DEADLINE_SECONDS
                        + " s; its log: " + log, timeout);
            }
            long took = System.nanoTime() - start;
            Matcher ready = READY.matcher(String.valueOf(line));
            if (!ready.matches()) {
                process.destroyForcibly();
                throw new IllegalStateException("unexpected first line from TerminalMain: " + line + "; its log: " + log);
            }
            return new Terminal(process, ready.group(1), took);
        }

        long peakRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmHWM for process " + process.pid());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("TerminalMain " + process.pid() + " did not stop on SIGTERM");
            }
        }
    }

    static String render(Result result, boolean alone) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("service"));
        }
        md.append("`TerminalMain` in its own JVM on the terminal's runtime classpath (terminal jar + its runtime ")
                .append("dependencies, no simulator), from a config file (real anvil chain, `card.reader=none`, a ")
                .append("serial scanner on a socat pty), under the JVM options of the unit's ExecStart: `")
                .append(String.join(" ", result.jvmOptions())).append("`.\n\n");
        md.append("Start to ready: wall time from process start to its `terminal ready:` line, median of ")
                .append(STARTS).append(" starts each (interleaved). CDS archive: `-XX:SharedArchiveFile=heitje.jsa ")
                .append("-Xshare:auto`, dumped as the package's postinst dumps it (`-Xshare:dump` from the class list a ")
                .append("training run wrote with `-XX:DumpLoadedClassList`: start, 20 payments, stop; the list ships as `")
                .append(SHIPPED_CLASS_LIST).append("`) (")
                .append(result.archiveBytes() / (1024 * 1024)).append(" MB).\n\n");
        md.append("| start | ms | ratio to `java -version` |\n|---|---|---|\n");
        md.append(String.format("| baseline: `java -version`, same options | %.0f | 1.00 |%n", result.baselineMs()));
        md.append(String.format("| TerminalMain to ready, no archive | %.0f | %.2f |%n", result.withoutArchiveMs(),
                result.withoutArchiveMs() / result.baselineMs()));
        md.append(String.format("| TerminalMain to ready, CDS archive | %.0f | %.2f |%n", result.withArchiveMs(),
                result.withArchiveMs() / result.baselineMs()));
        md.append("\nPeak RSS (VmHWM) of the TerminalMain JVM after ").append(PAYMENTS).append(" payments, each ")
                .append("created with `POST /api/v1/payments` and approved online (authorizationState + balanceOf on ")
                .append("anvil) from a signed code written to the serial scanner, one after another:\n\n");
        md.append("| JVM | peak RSS MB |\n|---|---|\n");
        md.append("| no archive | ").append(result.rssWithoutArchiveKb() / 1024).append(" |\n");
        md.append("| CDS archive | ").append(result.rssWithArchiveKb() / 1024).append(" |\n");
        md.append("\nTargets: ready < 3 s, peak RSS <= 150 MB, on this machine.\n");
        return md.toString();
    }
}
