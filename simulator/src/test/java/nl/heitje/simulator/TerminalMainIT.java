package nl.heitje.simulator;

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

            Path home = Path.of(System.getProperty("simulator.home", ".")).toAbsolutePath();
            Process terminal = new ProcessBuilder("java", "-Xmx64m", "-cp",
                    home.resolve("target/classes") + ":" + home.resolve("target/lib") + "/*",
                    "nl.heitje.terminal.TerminalMain", "--config", config.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(terminal.getInputStream(), StandardCharsets.UTF_8));
                String ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                Matcher api = Pattern.compile("terminal ready: api=(http://127\\.0\\.0\\.1:[0-9]+)")
                        .matcher(String.valueOf(ready));
                assertTrue(api.matches(), ready);
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(api.group(1) + "/api/v1/health"))
                        .header("Authorization", "Bearer an-api-token-of-enough-length").build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = new ObjectMapper().readTree(health.body());
                assertEquals("UP", body.get("status").asText());
                assertTrue(body.get("online").asBoolean(), health.body());
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "SIGTERM stops the terminal");
            }
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
