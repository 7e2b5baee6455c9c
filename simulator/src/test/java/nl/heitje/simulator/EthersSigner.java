package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The independent second implementation of the citizen QR: ethers' EIP-712 signer behind
 * {@code chain/scripts/sign-htj1.mjs}. Tests use it so that none of our Java encoding signs what our Java
 * decoding then checks.
 */
final class EthersSigner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EthersSigner() {
    }

    static Path chainDir() {
        return Path.of(System.getProperty("simulator.home", ".")).resolve("chain").toAbsolutePath();
    }

    /** Signs one request (or an array of them) and returns ethers' answer. */
    static JsonNode sign(JsonNode request) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", chainDir().resolve("scripts/sign-htj1.mjs").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        node.getOutputStream().write(JSON.writeValueAsBytes(request));
        node.getOutputStream().close();
        byte[] answer = node.getInputStream().readAllBytes();
        if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new IllegalStateException("sign-htj1.mjs failed: " + new String(answer, StandardCharsets.UTF_8));
        }
        return JSON.readTree(answer);
    }
}
