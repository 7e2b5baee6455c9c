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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import nl.heitje.config.ConfigFile;
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
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("merchant.address", LocalChain.MERCHANT.getAddress());
            settings.put("tokens", "HEIT");
            settings.put("token.HEIT.chainId", "31337");
            settings.put("token.HEIT.contract", chain.token());
            settings.put("token.HEIT.name", LocalChain.TOKEN_NAME);
            settings.put("token.HEIT.version", LocalChain.TOKEN_VERSION);
            settings.put("chain.rpcUrl", chain.rpcUrl());
            settings.put("settlement.privateKey", "0x" + LocalChain.MERCHANT.getEcKeyPair().getPrivateKey().toString(16));
            settings.put("till.host", "127.0.0.1");
            settings.put("till.port", Integer.toString(port));
            settings.put("till.apiToken", "an-api-token-of-enough-length");
            settings.put("storage.journal", dir.resolve("journal.db").toString());
            Path config = dir.resolve("terminal.properties");
            ConfigFile.write(config, settings, "TerminalMainIT");

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
        ConfigFile.write(config, Map.of("merchant.address", "0x1234"), "broken");
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
