package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import nl.heitje.config.TerminalConfigDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production entry point, as systemd will start it: a config file, no simulator around it. */
class TerminalMainIT {
    @TempDir
    Path dir;

    @Test
    void startsFromItsConfigFileAndServesTheTillApi() throws Exception {
        try (LocalChain chain = LocalChain.start(EthersSigner.chainDir())) {
            int port = LocalChain.freePort();
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(LocalChain.MERCHANT.getAddress())
                    .token("HEIT", LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                            LocalChain.DECIMALS)
                    .chain(chain.rpcUrl(), null)
                    .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                    .till("127.0.0.1", port, "an-api-token-of-enough-length")
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
                String ready = new BufferedReader(new InputStreamReader(terminal.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertEquals("terminal ready: api=http://127.0.0.1:" + port, ready);
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = new ObjectMapper().readTree(health.body());
                assertEquals("UP", body.get("status").asText());
                assertTrue(body.get("online").asBoolean(), health.body());
            } finally {
                terminal.destroy();
                assertTrue(terminal.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops the terminal");
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
        assertTrue(terminal.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, terminal.exitValue(), output);
        assertTrue(output.contains(config + ": merchant.address"), output);
    }
}
