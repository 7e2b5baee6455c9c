// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The independent second implementation of what we sign and verify: ethers' EIP-712 signer behind
 * {@code chain/scripts/sign-htj1.mjs} for the citizen QR, and its {@code signMessage} behind
 * {@code chain/scripts/sign-deny-list.mjs} for the municipal deny-list, and behind
 * {@code chain/scripts/sign-spending-rules.mjs} (which also writes the canonical body itself) for a purse's spending
 * rules; its {@code Wallet.fromEncryptedJson} behind
 * {@code chain/scripts/open-keystore.mjs} for the terminal's keystore; its {@code verifyMessage} behind
 * {@code chain/scripts/verify-message.mjs} for the signed registration request. Tests use it so that none of our Java
 * encoding signs what our Java decoding then checks.
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
        return JSON.readTree(run("sign-htj1.mjs", JSON.writeValueAsBytes(request)));
    }

    /** Signs a deny-list body with ethers' {@code signMessage} and returns the whole signed document. */
    static byte[] signDenyList(String privateKey, String body) throws IOException, InterruptedException {
        return run("sign-deny-list.mjs", JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("privateKey", privateKey)
                .put("body", body)));
    }

    /**
     * Writes and signs a purse's spending rules entirely in ethers: the script builds the canonical body from the
     * rules as JSON ({@code chainId}, {@code token}, {@code sequence}, {@code issued} and any of
     * {@code merchantCategories}, {@code merchants}, {@code productCategories}) and returns the whole signed document.
     */
    static byte[] signSpendingRules(String privateKey, ObjectNode rules) throws IOException, InterruptedException {
        return run("sign-spending-rules.mjs", JSON.writeValueAsBytes(rules.deepCopy().put("privateKey", privateKey)));
    }

    /** The address in a v3 JSON keystore, as ethers' {@code Wallet.fromEncryptedJson} decrypts it. */
    static String keystoreAddress(String keystore, String password) throws IOException, InterruptedException {
        return new String(run("open-keystore.mjs", JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("keystore", keystore)
                .put("password", password))), StandardCharsets.UTF_8).strip();
    }

    /** The signer of an EIP-191 personal_sign signature over {@code message}, as ethers' {@code verifyMessage} finds it. */
    static String messageSigner(String message, String signature) throws IOException, InterruptedException {
        return new String(run("verify-message.mjs", JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("message", message)
                .put("signature", signature))), StandardCharsets.UTF_8).strip();
    }

    private static byte[] run(String script, byte[] input) throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", chainDir().resolve("scripts").resolve(script).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        node.getOutputStream().write(input);
        node.getOutputStream().close();
        byte[] answer = node.getInputStream().readAllBytes();
        if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new IllegalStateException(script + " failed: " + new String(answer, StandardCharsets.UTF_8));
        }
        return answer;
    }
}
