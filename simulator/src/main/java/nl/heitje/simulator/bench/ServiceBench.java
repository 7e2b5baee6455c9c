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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import nl.heitje.config.SlowHash;
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
 * through the till API and approved by a signed code written to a serial scanner (a socat pty pair); and, with the
 * archive, the same peak RSS with the staff screen running on a pty and the merchant looking at the web page.
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

    /** How often, in payments, the merchant looks at the sales and payout pages in the staff-screen run. */
    static final int MERCHANT_VISIT_EVERY = 30;
    private static final String MERCHANT_PASSWORD = "a-bench-merchant-password";
    /** The sign-in screen's title (staffUi.language nl): seen in the pty's output, the screen is drawn. */
    private static final String SIGN_IN_TITLE = "Aanmelden";
    private static final int PTY_ROWS = 30;
    private static final int PTY_COLUMNS = 100;

    record Result(List<String> jvmOptions, double baselineMs, double withoutArchiveMs, double withArchiveMs,
                  long archiveBytes, long rssWithoutArchiveKb, long rssWithArchiveKb, long rssStaffAndMerchantKb) {
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
                takePayments(terminal.api, chain, payer, ptys.get(1), 20, "training", taken -> { });
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
            long rssStaffAndMerchant = rssWithStaffScreenAndMerchantPage(withArchive, classpath, chain, payer, ptys,
                    dataDir, "rss-staff-merchant");
            return new Result(jvmOptions, median(baseline), median(without), median(with), Files.size(archive),
                    rssWithout, rssWith, rssStaffAndMerchant);
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
        return writeConfig(chain, serialPort, dataDir, name, Map.of());
    }

    private static Path writeConfig(LocalChain chain, String serialPort, Path dataDir, String name,
                                    Map<String, String> more) {
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
                .setAll(more)
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
            takePayments(terminal.api, chain, payer, ptys.get(1), PAYMENTS, name, taken -> { });
            return terminal.peakRssKb();
        }
    }

    /**
     * As {@link #rssAfterPayments}, with the bar staff's screen running ({@code --staff-ui}, on a pty: it shows its
     * sign-in screen and follows the payment events) and the merchant logged in to the web page, loading the sales
     * and payout pages every {@value #MERCHANT_VISIT_EVERY} payments.
     */
    private static long rssWithStaffScreenAndMerchantPage(List<String> jvmOptions, String classpath, LocalChain chain,
                                                          DevWallet payer, List<String> ptys, Path dataDir,
                                                          String name) throws Exception {
        Path config = writeConfig(chain, ptys.get(0), dataDir, name, Map.of("merchant.passwordHash",
                SlowHash.hash(MERCHANT_PASSWORD.toCharArray(), new SecureRandom())));
        Path log = dataDir.resolve(name + ".log");
        try (Terminal terminal = Terminal.startWithStaffScreen(jvmOptions, classpath, config, log)) {
            MerchantBrowser merchant = MerchantBrowser.logIn(terminal.api);
            takePayments(terminal.api, chain, payer, ptys.get(1), PAYMENTS, name, taken -> {
                if (taken % MERCHANT_VISIT_EVERY == 0) {
                    merchant.lookAtSalesAndPayout();
                }
            });
            long peak = terminal.peakRssKb();
            if (!terminal.staffScreenDrawn()) {
                throw new IllegalStateException("the staff screen never drew its sign-in screen; the log: " + log);
            }
            return peak;
        }
    }

    /** The merchant at the web page: logged in once through the form, then looking at pages with the session. */
    private static final class MerchantBrowser {
        private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
        private final HttpClient http = HttpClient.newHttpClient();
        private final String api;
        private String sessionCookie;

        private MerchantBrowser(String api) {
            this.api = api;
        }

        /** The log-in form's token comes as a hidden field and as a cookie beside it; both go back with the password. */
        static MerchantBrowser logIn(String api) throws Exception {
            MerchantBrowser browser = new MerchantBrowser(api);
            HttpResponse<String> form = browser.http.send(HttpRequest.newBuilder(URI.create(api + "/merchant/login"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Matcher csrf = CSRF_FIELD.matcher(form.body());
            String loginCookie = cookie(form, "heitje_login");
            if (form.statusCode() != 200 || !csrf.find() || loginCookie == null) {
                throw new IllegalStateException("no merchant log-in form: " + form.statusCode() + " " + form.body());
            }
            String body = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                    + "&password=" + URLEncoder.encode(MERCHANT_PASSWORD, StandardCharsets.UTF_8);
            HttpResponse<String> loggedIn = browser.http.send(HttpRequest.newBuilder(
                    URI.create(api + "/merchant/login")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "heitje_login=" + loginCookie)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            browser.sessionCookie = cookie(loggedIn, "heitje_merchant");
            if (loggedIn.statusCode() != 303 || browser.sessionCookie == null || browser.sessionCookie.isEmpty()) {
                throw new IllegalStateException("merchant log-in refused: " + loggedIn.statusCode() + " "
                        + loggedIn.body());
            }
            return browser;
        }

        void lookAtSalesAndPayout() throws Exception {
            look("/merchant/sales", "Sales of");
            look("/merchant/payout", "Payout statement");
        }

        private void look(String path, String title) throws Exception {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(api + path))
                    .header("Cookie", "heitje_merchant=" + sessionCookie).build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200 || !page.body().contains(title)) {
                throw new IllegalStateException("merchant page " + path + " not shown: " + page.statusCode());
            }
        }

        private static String cookie(HttpResponse<?> response, String name) {
            return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                    .map(c -> c.substring(name.length() + 1).split(";", 2)[0]).findFirst().orElse(null);
        }
    }

    /** Each payment created at the till, then its signed code scanned until the terminal has approved it. */
    private static void takePayments(String api, LocalChain chain, DevWallet payer, String scannerPty, int count,
                                     String prefix, AfterPayment after) throws Exception {
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
                after.taken(i + 1);
            }
        }
    }

    @FunctionalInterface
    private interface AfterPayment {
        void taken(int paymentsSoFar) throws Exception;
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

    /**
     * One TerminalMain process, from start to its ready line; SIGTERM and a wait for its exit on close. Started
     * either with its stdout on a pipe, or with the staff screen on a pty that {@code script} holds: then the JVM is
     * script's child, and its output (the ready line among the screen's escape codes) is drained on a thread so the
     * screen never blocks on a full pty.
     */
    private static final class Terminal implements AutoCloseable {
        final Process launched;
        final ProcessHandle jvm;
        final String api;
        final long startToReadyNanos;
        private final PtyOutput screen;

        private Terminal(Process launched, ProcessHandle jvm, String api, long startToReadyNanos, PtyOutput screen) {
            this.launched = launched;
            this.jvm = jvm;
            this.api = api;
            this.startToReadyNanos = startToReadyNanos;
            this.screen = screen;
        }

        static Terminal start(List<String> jvmOptions, String classpath, Path config, Path log) throws Exception {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command(jvmOptions, classpath, config, false))
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
            return new Terminal(process, process.toHandle(), ready.group(1), took, null);
        }

        /**
         * With {@code --staff-ui}, which needs a terminal: under util-linux {@code script} on a pty, given a size
         * (one script opens without a terminal of its own has none). stderr goes to the log, not the screen.
         */
        static Terminal startWithStaffScreen(List<String> jvmOptions, String classpath, Path config, Path log)
                throws Exception {
            String java = command(jvmOptions, classpath, config, true).stream().map(ServiceBench::shellQuoted)
                    .collect(Collectors.joining(" "));
            String shell = "stty rows " + PTY_ROWS + " cols " + PTY_COLUMNS + " && exec " + java + " 2>>" + shellQuoted(log.toString());
            long start = System.nanoTime();
            // script's stdin stays an open pipe: at its end script would type an end-of-file into the screen.
            ProcessBuilder pty = new ProcessBuilder("script", "-qfec", shell, "/dev/null").redirectErrorStream(true);
            // As on the console of tty1, where the unit's screen runs.
            pty.environment().put("TERM", "linux");
            Process script = pty.start();
            PtyOutput screen = new PtyOutput(script);
            String api;
            try {
                api = screen.ready.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (Exception timeout) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
                throw new IllegalStateException("TerminalMain --staff-ui showed no ready line within "
                        + DEADLINE_SECONDS + " s; its log: " + log, timeout);
            }
            long took = System.nanoTime() - start;
            ProcessHandle jvm = script.children().findFirst()
                    .orElseThrow(() -> new IllegalStateException("script has no child JVM; the log: " + log));
            if (!jvm.info().command().orElse("").endsWith("java")) {
                throw new IllegalStateException("script's child is not the JVM: " + jvm.info());
            }
            return new Terminal(script, jvm, api, took, screen);
        }

        private static List<String> command(List<String> jvmOptions, String classpath, Path config, boolean staffUi) {
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classpath, "nl.heitje.terminal.TerminalMain", "--config", config.toString()));
            if (staffUi) {
                command.add("--staff-ui");
            }
            return command;
        }

        long peakRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + jvm.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmHWM for process " + jvm.pid());
        }

        boolean staffScreenDrawn() {
            return screen != null && screen.signInSeen;
        }

        @Override
        public void close() throws Exception {
            jvm.destroy();
            try {
                jvm.onExit().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stuck) {
                jvm.destroyForcibly();
                launched.destroyForcibly();
                throw new IllegalStateException("TerminalMain " + jvm.pid() + " did not stop on SIGTERM");
            }
            if (!launched.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                launched.destroyForcibly();
            }
        }
    }

    /**
     * Plays the terminal on script's side of the pty: reads all script writes, watching for the ready line and the
     * sign-in screen (keeping no more than a short tail), and answers the screen's size queries as a terminal of
     * {@value #PTY_ROWS}x{@value #PTY_COLUMNS} would (Lanterna asks for the cursor position after moving it to the far
     * corner, and draws nothing until it is told).
     */
    private static final class PtyOutput {
        private static final Pattern READY_ON_SCREEN = Pattern.compile(READY.pattern() + "(?=[\\r\\n])");
        private static final String CURSOR_POSITION_QUERY = "\u001b[6n";
        private static final byte[] CURSOR_POSITION_REPORT = ("\u001b[" + PTY_ROWS + ";" + PTY_COLUMNS + "R")
                .getBytes(StandardCharsets.US_ASCII);
        final CompletableFuture<String> ready = new CompletableFuture<>();
        volatile boolean signInSeen;

        PtyOutput(Process script) {
            Thread drain = new Thread(() -> {
                StringBuilder tail = new StringBuilder();
                byte[] buffer = new byte[8192];
                OutputStream keyboard = script.getOutputStream();
                try (var out = script.getInputStream()) {
                    for (int n; (n = out.read(buffer)) >= 0; ) {
                        // Latin-1: one char a byte, so a UTF-8 sequence cut between reads cannot garble the ASCII sought.
                        tail.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        if (!ready.isDone()) {
                            Matcher line = READY_ON_SCREEN.matcher(tail);
                            if (line.find()) {
                                ready.complete(line.group(1));
                                tail.delete(0, line.end());
                            }
                        }
                        if (ready.isDone() && !signInSeen && tail.indexOf(SIGN_IN_TITLE) >= 0) {
                            signInSeen = true;
                        }
                        for (int query; (query = tail.indexOf(CURSOR_POSITION_QUERY)) >= 0; ) {
                            keyboard.write(CURSOR_POSITION_REPORT);
                            keyboard.flush();
                            tail.delete(0, query + CURSOR_POSITION_QUERY.length());
                        }
                        if (tail.length() > 4096) {
                            tail.delete(0, tail.length() - 256);
                        }
                    }
                } catch (IOException closed) {
                    // script has gone: nothing more to read.
                }
                ready.completeExceptionally(new IllegalStateException("script ended before the ready line"));
            }, "staff-screen-output");
            drain.setDaemon(true);
            drain.start();
        }
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
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
        double plain = result.rssWithoutArchiveKb();
        md.append("| JVM | peak RSS MB | ratio to no archive |\n|---|---|---|\n");
        md.append(String.format("| no archive | %d | 1.00 |%n", result.rssWithoutArchiveKb() / 1024));
        md.append(String.format("| CDS archive | %d | %.2f |%n", result.rssWithArchiveKb() / 1024,
                result.rssWithArchiveKb() / plain));
        md.append(String.format("| CDS archive, staff screen and merchant page in use | %d | %.2f |%n",
                result.rssStaffAndMerchantKb() / 1024, result.rssStaffAndMerchantKb() / plain));
        md.append("\nThe last row is the CDS row's run with `--staff-ui`: the Lanterna staff screen on a pty ")
                .append("(`script -qfec`, ").append(PTY_COLUMNS).append("x").append(PTY_ROWS)
                .append(", `TERM=linux`), on its sign-in screen, following the payment events; and with ")
                .append("`merchant.passwordHash` set, the merchant logged in once through the `/merchant/login` form ")
                .append("and loading `/merchant/sales` and `/merchant/payout` every ").append(MERCHANT_VISIT_EVERY)
                .append(" payments (Java's HttpClient, session cookie).\n");
        md.append("\nTargets: ready < 3 s, peak RSS <= 150 MB, on this machine.\n");
        return md.toString();
    }
}
