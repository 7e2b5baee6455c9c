// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** Test helpers for the fault harness: raw JSON-RPC, web3j clients with chosen timeouts, waiting on conditions. */
final class Rpc {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for a loaded two-core CI machine; a deadline, never a measured duration. */
    static final Duration PATIENT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Rpc() {
    }

    static Path chainDir() {
        return Path.of(System.getProperty("simulator.home", ".")).resolve("chain").toAbsolutePath();
    }

    /** POSTs a JSON-RPC body as it is and returns the HTTP status and parsed answer. */
    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(PATIENT)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode call(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(url, body);
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Mines {@code blocks} empty blocks on anvil. */
    static void mine(String url, int blocks) throws IOException, InterruptedException {
        JsonNode answer = call(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_mine\",\"params\":[\"0x"
                + Integer.toHexString(blocks) + "\"]}");
        if (answer.has("error")) {
            throw new IllegalStateException("anvil_mine: " + answer.get("error"));
        }
    }

    /** A web3j client whose connect, read and write timeouts are all {@code timeout}, and which never retries. */
    static Web3j web3j(String url, Duration timeout) {
        return Web3j.build(new HttpService(url, new OkHttpClient.Builder()
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build()));
    }

    /** Waits until {@code condition} holds (an exception counts as not yet), failing after a generous deadline. */
    static void await(String what, Callable<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception notYet) {
                last = notYet;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + PATIENT.toSeconds() + " s: " + what, last);
    }
}
