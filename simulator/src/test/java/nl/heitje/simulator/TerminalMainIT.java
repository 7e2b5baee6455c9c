// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import nl.heitje.simulator.devices.SocatPtys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.heitje.config.TerminalConfigDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production entry point, as systemd will start it: a config file, no simulator around it. */
class TerminalMainIT {
    /** For a loaded two-core machine: a deadline to wait on, never an expected duration. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    @TempDir
    Path dir;

    @Test
    void startsFromItsConfigFileAndServesTheTillApi() throws Exception {
        try (LocalChain chain = LocalChain.start(EthersSigner.chainDir())) {
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(LocalChain.MERCHANT.getAddress())
                    .token("HEIT", LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                            LocalChain.DECIMALS)
                    .chain(chain.rpcUrl(), null)
                    // A busy machine must not make a slow answer look like a chain gone offline.
                    .set("chain.requestTimeoutMillis", "30000")
                    .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                    // Port 0: the terminal binds a free port itself and names it in its ready line; a port picked
                    // here first could be taken by another process before the terminal binds it.
                    .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                    .journal(dir.resolve("journal.db"));
            Path config = dir.resolve("terminal.properties");
            settings.write(config, "TerminalMainIT");

            Process terminal = startTerminalMain(config);
            try {
                String api = readyApi(terminal);
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(api + "/api/v1/health"))
                        .header("Authorization", "Bearer an-api-token-of-enough-length").build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = new ObjectMapper().readTree(health.body());
                assertEquals("UP", body.get("status").asText());
                assertTrue(body.get("online").asBoolean(), health.body());
                // The config asks for a PC/SC reader (the default) and this machine has none: a state it shows.
                JsonNode reader = body.get("cardReaders").get(0);
                assertEquals(false, reader.get("present").asBoolean(), health.body());
                assertTrue(reader.get("problem").asText().length() > 0, health.body());
                assertTrue(body.get("warnings").toString().contains("no card reader"), health.body());
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "SIGTERM stops the terminal");
            }
        }
    }

    /**
     * Onboarding as an installer does it: {@code provision init} against the chain writes an encrypted keystore; ethers
     * (not our code) opens it to the address provision printed, and the terminal starts from it.
     */
    @Test
    void startsFromTheKeystoreProvisionWroteWhichEthersOpensToThePrintedAddress() throws Exception {
        try (LocalChain chain = LocalChain.start(EthersSigner.chainDir())) {
            Path config = dir.resolve("terminal.properties");
            Path password = dir.resolve("keystore-password");
            java.nio.file.Files.writeString(password, "a password for the counter\n");
            java.io.StringWriter printed = new java.io.StringWriter();
            picocli.CommandLine provision = new picocli.CommandLine(new nl.heitje.provisioning.Provision());
            provision.setOut(new java.io.PrintWriter(printed));
            provision.setErr(new java.io.PrintWriter(printed));
            assertEquals(0, provision.execute("init", "--non-interactive", "--dir", dir.toString(),
                    "--merchant-name", "Bakkerij De Heit", "--kvk", "12345678",
                    "--payout", LocalChain.MERCHANT.getAddress(), "--chain-rpc", chain.rpcUrl(),
                    "--chain-id", Long.toString(LocalChain.CHAIN_ID), "--token", chain.token(),
                    "--password-file", password.toString()),
                    printed.toString());
            Matcher line = Pattern.compile("(?m)^terminal address: (0x[0-9a-f]{40})$").matcher(printed.toString());
            assertTrue(line.find(), printed.toString());

            assertEquals(line.group(1), EthersSigner.keystoreAddress(
                    java.nio.file.Files.readString(dir.resolve("keystore.json")), "a password for the counter"));

            // What provision leaves to the installer's defaults, set for a test: a free port, a busy machine.
            java.util.Properties written = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(config)) {
                written.load(in);
            }
            java.util.Map<String, String> values = new java.util.HashMap<>();
            written.stringPropertyNames().forEach(key -> values.put(key, written.getProperty(key)));
            String apiToken = values.get("till.apiToken");
            new TerminalConfigDraft().setAll(values)
                    .till("127.0.0.1", 0, apiToken)
                    .set("chain.requestTimeoutMillis", "30000")
                    .write(config, "TerminalMainIT, from provision init");

            Process terminal = startTerminalMain(config);
            try {
                String api = readyApi(terminal);
                // Served over TLS with the certificate provision made: a till pinning the printed fingerprint trusts
                // it, and nothing else is needed (no CA, no name check beyond what the pin proves).
                assertTrue(api.startsWith("https://"), api);
                HttpResponse<String> health = PinnedHttp.client(PinnedHttp.printedFingerprint(printed.toString()))
                        .send(HttpRequest.newBuilder(URI.create(api + "/api/v1/health"))
                        .header("Authorization", "Bearer " + apiToken).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = new ObjectMapper().readTree(health.body());
                assertEquals("UP", body.get("status").asText(), health.body());
                assertTrue(body.get("online").asBoolean(), health.body());
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "SIGTERM stops the terminal");
            }

            // The same config with a wrong password: a config error naming the key and both files, exit 2.
            java.nio.file.Files.writeString(password, "not the password it was made with");
            Path home = Path.of(System.getProperty("simulator.home", ".")).toAbsolutePath();
            Process refused = new ProcessBuilder("java", "-Xmx64m", "-cp",
                    home.resolve("target/classes") + ":" + home.resolve("target/lib") + "/*",
                    "nl.heitje.terminal.TerminalMain", "--config", config.toString())
                    .redirectErrorStream(true).start();
            String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(refused.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(2, refused.exitValue(), output);
            assertTrue(output.contains(config + ": settlement.passwordFile: the password in " + password
                    + " does not open the keystore " + dir.resolve("keystore.json")), output);
            assertTrue(!output.contains("not the password it was made with"), output);
        }
    }

    /**
     * The devices its config names are attached and take payments: a serial scanner on a real pty (socat) and a
     * keyboard-wedge scanner whose event device is a FIFO, both written to as the hardware would.
     */
    @Test
    void takesPaymentsFromTheScannersItsConfigNames() throws Exception {
        assertTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/socat")),
                "socat is not installed: apt-get install socat (see .ci/run)");
        Process socat = SocatPtys.start();
        Path keyboard = dir.resolve("event-kbd");
        assertEquals(0, new ProcessBuilder("mkfifo", keyboard.toString()).start().waitFor());
        try (LocalChain chain = LocalChain.start(EthersSigner.chainDir())) {
            java.util.List<String> ptys = SocatPtys.names(socat);
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(LocalChain.MERCHANT.getAddress())
                    .token("HEIT", LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                            LocalChain.DECIMALS)
                    .chain(chain.rpcUrl(), null)
                    .set("chain.requestTimeoutMillis", "30000")
                    .set("chain.paymentLookupBudgetMillis", "30000")
                    // anvil mines on demand: its newest block may be old while the chain is live.
                    .set("clock.maxBlockLagSeconds", "31536000")
                    .set("card.reader", "none")
                    .set("scanner.serial.port", ptys.get(0))
                    .set("scanner.hid.device", keyboard.toString())
                    .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                    .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                    .journal(dir.resolve("journal.db"));
            Path config = dir.resolve("terminal.properties");
            settings.write(config, "TerminalMainIT");
            DevWallet citizen = DevWallet.create();
            chain.mint(citizen.address().hex(), java.math.BigInteger.valueOf(10_00));
            nl.heitje.terminal.domain.Token token = new nl.heitje.terminal.domain.Token("HEIT", LocalChain.CHAIN_ID,
                    nl.heitje.terminal.domain.Address.parse(chain.token()), LocalChain.TOKEN_NAME,
                    LocalChain.TOKEN_VERSION, LocalChain.DECIMALS);
            nl.heitje.terminal.domain.Address merchant =
                    nl.heitje.terminal.domain.Address.parse(LocalChain.MERCHANT.getAddress());
            long validBefore = java.time.Instant.now().plus(Duration.ofDays(2)).getEpochSecond();

            Process terminal = startTerminalMain(config);
            try {
                String api = readyApi(terminal);
                String viaSerial = createPayment(api, "1.25", "till-serial");
                byte[] serialCode = (nl.heitje.terminal.codec.PaymentQrCodec.encode(citizen.authorize(token, merchant,
                        125, validBefore)) + "\r").getBytes(StandardCharsets.US_ASCII);
                try (java.io.OutputStream scanner = new java.io.FileOutputStream(ptys.get(1))) {
                    awaitApproved(api, viaSerial, () -> {
                        scanner.write(serialCode);
                        scanner.flush();
                    });
                }
                String viaKeyboard = createPayment(api, "2.50", "till-hid");
                byte[] keys = new nl.heitje.simulator.devices.KeyEventEncoder(
                        nl.heitje.terminal.adapter.evdev.InputEventLayout.ofThisJvm()).encode(
                        nl.heitje.terminal.codec.PaymentQrCodec.encode(citizen.authorize(token, merchant, 250,
                                validBefore)));
                try (java.io.OutputStream scanner = new java.io.FileOutputStream(keyboard.toFile())) {
                    awaitApproved(api, viaKeyboard, () -> {
                        scanner.write(keys);
                        scanner.flush();
                    });
                }
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "SIGTERM stops the terminal");
            }
        } finally {
            socat.destroy();
        }
    }


    /** A till API on the shop's network without a certificate never starts: exit 2, the key named, nothing served. */
    @Test
    void refusesPlainHttpOnTheShopsNetworkNamingTheCertificatesKey() throws Exception {
        Path config = dir.resolve("terminal.properties");
        new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token("HEIT", LocalChain.CHAIN_ID, "0x5FbDB2315678afecb367f032d93F642f64180aa3", LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS)
                .chain("http://127.0.0.1:1", null)
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                .till("0.0.0.0", 0, "an-api-token-of-enough-length")
                .journal(dir.resolve("journal.db"))
                .write(config, "TerminalMainIT");
        Path home = Path.of(System.getProperty("simulator.home", ".")).toAbsolutePath();
        Process refused = new ProcessBuilder("java", "-Xmx64m", "-cp",
                home.resolve("target/classes") + ":" + home.resolve("target/lib") + "/*",
                "nl.heitje.terminal.TerminalMain", "--config", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), output);
        assertTrue(output.contains(config + ": till.tls.keystore: is required"), output);
        assertTrue(!output.contains("terminal ready"), output);
    }

    private static Process startTerminalMain(Path config) throws IOException {
        return startTerminalMain(config, java.util.Map.of());
    }

    private static Process startTerminalMain(Path config, java.util.Map<String, String> environment)
            throws IOException {
        Path home = Path.of(System.getProperty("simulator.home", ".")).toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx64m", "-cp",
                home.resolve("target/classes") + ":" + home.resolve("target/lib") + "/*",
                "nl.heitje.terminal.TerminalMain", "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String readyApi(Process terminal) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(terminal.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Matcher api = Pattern.compile("terminal ready: api=(https?://127\\.0\\.0\\.1:[0-9]+)").matcher(String.valueOf(ready));
        assertTrue(api.matches(), ready);
        return api.group(1);
    }

    private static String createPayment(String api, String amount, String reference) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(api + "/api/v1/payments"))
                .header("Authorization", "Bearer an-api-token-of-enough-length")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"" + amount + "\", \"reference\": \""
                        + reference + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return new ObjectMapper().readTree(created.body()).get("id").asText();
    }

    @FunctionalInterface
    private interface Scan {
        void send() throws IOException;
    }

    /**
     * Scans until the payment is decided: a scan sent before the terminal has its device open is lost, as on a
     * real counter, and the citizen scans again; once decided, a repeat finds no payment waiting and is ignored.
     */
    private static void awaitApproved(String api, String paymentId, Scan scan) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode payment;
        do {
            scan.send();
            long nextScan = System.nanoTime() + 2_000_000_000L;
            do {
                payment = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(api + "/api/v1/payments/" + paymentId))
                        .header("Authorization", "Bearer an-api-token-of-enough-length").build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                if (!"WAITING".equals(payment.get("status").asText())) {
                    assertEquals("APPROVED", payment.get("status").asText(), payment.toString());
                    return;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < nextScan);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("payment " + paymentId + " not decided within " + DEADLINE + ": " + payment);
    }

    /**
     * Started by systemd (Type=notify), the terminal says READY=1 once it serves and WATCHDOG=1 from its housekeeping
     * rounds. The notification socket here is socat's, receiving the datagrams as systemd would.
     */
    @Test
    void tellsTheServiceManagerItIsReadyAndKeepsItsWatchdogFed() throws Exception {
        assertTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/socat")),
                "socat is not installed: apt-get install socat (see .ci/run)");
        Path socket = dir.resolve("notify");
        Path received = dir.resolve("notifications");
        Process systemd = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + socket, "OPEN:" + received + ",creat")
                .redirectErrorStream(true).start();
        try (LocalChain chain = LocalChain.start(EthersSigner.chainDir())) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!java.nio.file.Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Path config = dir.resolve("terminal.properties");
            new TerminalConfigDraft()
                    .merchant(LocalChain.MERCHANT.getAddress())
                    .token("HEIT", LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                            LocalChain.DECIMALS)
                    .chain(chain.rpcUrl(), null)
                    .set("chain.requestTimeoutMillis", "30000")
                    .set("chain.probeIntervalMillis", "200")
                    .set("card.reader", "none")
                    .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                    .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                    .journal(dir.resolve("journal.db"))
                    .write(config, "TerminalMainIT");
            Process terminal = startTerminalMain(config, java.util.Map.of("NOTIFY_SOCKET", socket.toString()));
            try {
                String api = readyApi(terminal);
                String told = "";
                while (!(told.contains("READY=1") && told.contains("WATCHDOG=1")) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    told = java.nio.file.Files.exists(received) ? java.nio.file.Files.readString(received) : "";
                }
                assertTrue(told.contains("READY=1"), told);
                assertTrue(told.contains("STATUS=terminal ready: api=" + api), told);
                assertTrue(told.contains("WATCHDOG=1"), told);
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "SIGTERM stops the terminal");
            }
        } finally {
            systemd.destroy();
        }
    }

    @Test
    void refusesABrokenConfigWithTheFileAndKeyAndExitCode2() throws Exception {
        Path config = dir.resolve("terminal.properties");
        new TerminalConfigDraft().merchant("0x1234").write(config, "broken");
        Path home = Path.of(System.getProperty("simulator.home", ".")).toAbsolutePath();
        Process terminal = new ProcessBuilder("java", "-cp",
                home.resolve("target/classes") + ":" + home.resolve("target/lib") + "/*",
                "nl.heitje.terminal.TerminalMain", "--config", config.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(terminal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(2, terminal.exitValue(), output);
        assertTrue(output.contains(config + ": merchant.address"), output);
    }
}
