// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's Chromium, headless, driven over its DevTools protocol on a websocket with nothing but the JDK and
 * Jackson: no npm, no WebDriver. The flags are the ones this closed network needs: without the background
 * networking ones Chromium keeps trying to reach Google and is refused.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    /** The Chromium on this machine, if any ({@code CHROMIUM} names another). */
    public static Optional<Path> executable() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("CHROMIUM")).ifPresent(candidates::add);
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    public static HeadlessChromium launch(Path executable, Path userDataDir) throws Exception {
        Files.createDirectories(userDataDir);
        Path activePort = userDataDir.resolve("DevToolsActivePort");
        Files.deleteIfExists(activePort);
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--user-data-dir=" + userDataDir, "about:blank")
                .redirectErrorStream(true).redirectOutput(userDataDir.resolve("chromium.log").toFile()).start();
        try {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("Chromium did not open its DevTools port; see "
                            + userDataDir.resolve("chromium.log"));
                }
                Thread.sleep(50);
                if (Files.exists(activePort)) {
                    lines = Files.readAllLines(activePort);
                }
            }
            URI browser = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            return new HeadlessChromium(process, browser);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private HeadlessChromium(Process process, URI browser) throws Exception {
        this.process = process;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(browser, new Listener()).get(30, TimeUnit.SECONDS);
    }

    /** A new tab, attached so that its calls go through this one connection. */
    public Tab newTab() throws Exception {
        String target = call("Target.createTarget", params().put("url", "about:blank"), null)
                .get("targetId").asText();
        String session = call("Target.attachToTarget", params().put("targetId", target).put("flatten", true), null)
                .get("sessionId").asText();
        Tab tab = new Tab(session);
        tab.call("Page.enable", params());
        return tab;
    }

    public final class Tab {
        private final String session;

        private Tab(String session) {
            this.session = session;
        }

        public JsonNode call(String method, ObjectNode params) throws Exception {
            return HeadlessChromium.this.call(method, params, session);
        }

        /** Loads {@code url} and waits until the document it leads to (after any redirects) has loaded. */
        public void open(String url) throws Exception {
            leaving(() -> call("Page.navigate", params().put("url", url)));
        }

        /** Runs {@code action} (a click that submits a form, say) and waits for the next document to load. */
        public void leaving(Action action) throws Exception {
            evaluate("window.__leaving = true");
            action.run();
            awaitTrue("!window.__leaving && document.readyState === 'complete'");
        }

        /** The value of a JavaScript expression, a promise awaited. */
        public JsonNode evaluate(String expression) throws Exception {
            JsonNode result = call("Runtime.evaluate", params().put("expression", expression)
                    .put("returnByValue", true).put("awaitPromise", true));
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
            }
            return result.get("result").path("value");
        }

        public void awaitTrue(String expression) throws Exception {
            Instant deadline = Instant.now().plus(CALL_TIMEOUT);
            while (true) {
                try {
                    if (evaluate(expression).asBoolean(false)) {
                        return;
                    }
                } catch (IllegalStateException navigating) {
                    // the context went away mid-navigation: ask again in the new document
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("never true: " + expression);
                }
                Thread.sleep(50);
            }
        }

        /** Lays the page out as a screen {@code width} by {@code height} CSS pixels; {@code mobile} honours the viewport tag. */
        public void viewport(int width, int height, boolean mobile) throws Exception {
            call("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                    .put("deviceScaleFactor", 1).put("mobile", mobile));
        }

        public void screenshot(Path file) throws Exception {
            String png = call("Page.captureScreenshot", params().put("format", "png").put("captureBeyondViewport", true))
                    .get("data").asText();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(png));
        }
    }

    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    public static ObjectNode params() {
        return JSON.createObjectNode();
    }

    private JsonNode call(String method, ObjectNode params, String session) throws Exception {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        synchronized (socket) {
            socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        }
        JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(parts.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> call = calls.remove(message.get("id").asLong());
                        if (call != null) {
                            call.complete(message);
                        }
                    }
                } catch (IOException e) {
                    calls.values().forEach(call -> call.completeExceptionally(e));
                } finally {
                    parts.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            calls.values().forEach(call -> call.completeExceptionally(error));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // it is being killed below anyway
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
