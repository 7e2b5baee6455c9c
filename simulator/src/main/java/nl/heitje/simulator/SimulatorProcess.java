// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code simulator/run} started the way a developer starts it, in its own process, driven over HTTP: for the
 * end-to-end tests and the bench.
 */
public final class SimulatorProcess implements AutoCloseable {
    private static final Pattern READY =
            Pattern.compile("simulator ready: control=(\\S+) api=(\\S+) token=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Deadlines, never expected durations: a cold start on a loaded two-core machine is slow. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(180);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

    public final Process process;
    public final String control;
    public final String api;
    public final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SimulatorProcess(Process process, String control, String api, String token) {
        this.process = process;
        this.control = control;
        this.api = api;
        this.token = token;
    }

    /** @param javaOptions JVM options, space-separated, e.g. {@code -Xmx64m} */
    public static SimulatorProcess start(String javaOptions, Path dataDir) throws IOException {
        return start(javaOptions, dataDir, List.of(), Files.createTempFile("simulator-", ".log"));
    }

    /**
     * @param moreArgs more options for {@code simulator/run}, e.g. {@code --chain-rpc URL}
     * @param log      where the simulator's standard error goes (appended to, so restarts can share one file)
     */
    public static SimulatorProcess start(String javaOptions, Path dataDir, List<String> moreArgs, Path log)
            throws IOException {
        Path run = Path.of(System.getProperty("simulator.home", ".")).resolve("run").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(run.toString(), "--headless", "--control-port", "0",
                "--data-dir", dataDir.toString()));
        command.addAll(moreArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SIMULATOR_JAVA_OPTS", javaOptions);
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception timeout) {
            process.destroyForcibly();
            throw new IllegalStateException("simulator did not print its ready line within "
                    + START_DEADLINE.toSeconds() + " s", timeout);
        }
        Matcher ready = line == null ? null : READY.matcher(line);
        if (ready == null || !ready.matches()) {
            process.destroyForcibly();
            throw new IllegalStateException("unexpected first line from simulator: " + line);
        }
        return new SimulatorProcess(process, ready.group(1), ready.group(2), ready.group(3));
    }

    /** An HTTP answer with its JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    public Answer get(String url, boolean authorized) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorized) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public Answer postJson(String url, Object body, boolean authorized) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (authorized) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public Answer postBytes(String url, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    /** Peak resident memory of the simulator JVM (VmHWM), in kB. */
    public long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmHWM for process " + process.pid());
    }

    /**
     * SIGKILL, the way power loss or the kernel's OOM killer ends a process: no shutdown hook, no close, no flush.
     * Waits until the process is gone. ({@code simulator/run} execs the JVM, so this is the JVM's own pid.)
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("simulator " + process.pid() + " still runs after SIGKILL");
        }
    }

    /**
     * SIGTERM, and waits until the simulator has exited; only if it has not within a generous deadline, SIGKILL (its
     * anvil watchdog then stops anvil on its own) and waits again, so a caller never races a dying process.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
