// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP JSON-RPC proxy in front of a node (on a loopback port 0 of its own) that misbehaves the ways hosted
 * providers and lagging nodes do, each switchable at run time:
 * <ul>
 *   <li>{@link #reverseBatches}: a batch is answered in reverse order (JSON-RPC allows any order; a client must
 *       match answers by id);</li>
 *   <li>{@link #limitLogRange}: {@code eth_getLogs} over more than N blocks is refused with a provider's error;</li>
 *   <li>{@link #freezeHead}: {@code eth_blockNumber} and {@code eth_getBlockByNumber("latest"|"pending")} keep
 *       answering one old block, with its old timestamp: the lagging node;</li>
 *   <li>{@link #failNext}: the next K calls of a method get a JSON-RPC error (rate limit, "header not found");</li>
 *   <li>{@link #lieAboutChainId}: {@code eth_chainId} and {@code net_version} name another chain.</li>
 * </ul>
 * Every call is counted by method, also those answered by a rule, for tests to assert how a client talked.
 * Whatever the proxy does not understand (not JSON, upstream errors) is passed on unchanged.
 */
public final class JsonRpcProxy implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A JSON-RPC error object as the proxy answers it; the constants are what hosted providers send. */
    public record RpcError(int code, String message) {
        /** Infura's answer to an {@code eth_getLogs} over too many blocks or logs. */
        public static final RpcError TOO_MANY_RESULTS = new RpcError(-32005, "query returned more than 10000 results");
        /** The plainer refusal of a too-wide {@code eth_getLogs} that other providers and node software send. */
        public static final RpcError BLOCK_RANGE_TOO_LARGE = new RpcError(-32000, "block range too large");
        public static final RpcError RATE_LIMITED = new RpcError(-32005, "rate limited");
        /** A load-balanced provider whose node behind it has not seen the block yet. */
        public static final RpcError HEADER_NOT_FOUND = new RpcError(-32000, "header not found");
    }

    private record FailRule(AtomicInteger remaining, RpcError error) {
    }

    private record LogLimit(long maxBlocks, RpcError error) {
    }

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, FailRule> failures = new ConcurrentHashMap<>();
    private final AtomicLong httpRequests = new AtomicLong();
    private volatile boolean reverseBatches;
    private volatile LogLimit logLimit;
    private volatile Long frozenHead;
    private volatile Long fakeChainId;

    /** A proxy to the JSON-RPC node at {@code upstream}, with no rule switched on. */
    public JsonRpcProxy(URI upstream) {
        this.upstream = upstream;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "json-rpc-proxy");
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the JSON-RPC proxy", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public JsonRpcProxy(String upstreamUrl) {
        this(URI.create(upstreamUrl));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}: the URL to give the client instead of the node's. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Answers every batch in reverse order of its requests. */
    public JsonRpcProxy reverseBatches(boolean reverse) {
        this.reverseBatches = reverse;
        return this;
    }

    /** Refuses {@code eth_getLogs} over more than {@code maxBlocks} blocks with {@link RpcError#TOO_MANY_RESULTS}. */
    public JsonRpcProxy limitLogRange(long maxBlocks) {
        return limitLogRange(maxBlocks, RpcError.TOO_MANY_RESULTS);
    }

    /** Refuses {@code eth_getLogs} over more than {@code maxBlocks} blocks with {@code error}. */
    public JsonRpcProxy limitLogRange(long maxBlocks, RpcError error) {
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("maxBlocks must be at least 1, not " + maxBlocks);
        }
        this.logLimit = new LogLimit(maxBlocks, error);
        return this;
    }

    public JsonRpcProxy unlimitedLogRange() {
        this.logLimit = null;
        return this;
    }

    /** Freezes the reported head at the node's current block, which it returns. */
    public long freezeHead() {
        long head = upstreamBlockNumber();
        this.frozenHead = head;
        return head;
    }

    /** Reports {@code block} as the head from now on, whatever the node has mined since. */
    public JsonRpcProxy freezeHeadAt(long block) {
        this.frozenHead = block;
        return this;
    }

    public JsonRpcProxy unfreezeHead() {
        this.frozenHead = null;
        return this;
    }

    /** The reported head while frozen. */
    public OptionalLong frozenHead() {
        Long head = frozenHead;
        return head == null ? OptionalLong.empty() : OptionalLong.of(head);
    }

    /** Answers the next {@code times} calls of {@code method} with {@code error} (replacing an earlier rule for it). */
    public JsonRpcProxy failNext(String method, int times, RpcError error) {
        failures.put(method, new FailRule(new AtomicInteger(times), error));
        return this;
    }

    /** How many of the calls {@link #failNext} asked for are still to fail. */
    public int failuresLeft(String method) {
        FailRule rule = failures.get(method);
        return rule == null ? 0 : rule.remaining().get();
    }

    /** Answers {@code eth_chainId} and {@code net_version} with this chain id. */
    public JsonRpcProxy lieAboutChainId(long chainId) {
        this.fakeChainId = chainId;
        return this;
    }

    public JsonRpcProxy tellTruthAboutChainId() {
        this.fakeChainId = null;
        return this;
    }

    /** Switches every rule off; the call counts are kept. */
    public JsonRpcProxy heal() {
        reverseBatches = false;
        logLimit = null;
        frozenHead = null;
        fakeChainId = null;
        failures.clear();
        return this;
    }

    /** Calls of {@code method} so far, batched or not, forwarded or answered by a rule. */
    public long calls(String method) {
        AtomicLong count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /** Every method called so far with its count, by name. */
    public Map<String, Long> calls() {
        Map<String, Long> snapshot = new TreeMap<>();
        calls.forEach((method, count) -> snapshot.put(method, count.get()));
        return Collections.unmodifiableMap(snapshot);
    }

    /** HTTP requests received so far (a batch is one). */
    public long httpRequests() {
        return httpRequests.get();
    }

    public JsonRpcProxy resetCalls() {
        calls.clear();
        httpRequests.set(0);
        return this;
    }

    private void handle(HttpExchange exchange) {
        try {
            httpRequests.incrementAndGet();
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"error\":\"JSON-RPC takes POST\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException notJson) {
                relay(exchange, body);
                return;
            }
            if (request != null && request.isObject()) {
                answer(exchange, List.of(request), false);
            } else if (request != null && request.isArray() && request.size() > 0) {
                List<JsonNode> batch = new ArrayList<>();
                request.forEach(batch::add);
                answer(exchange, batch, true);
            } else {
                relay(exchange, body);
            }
        } catch (IOException | RuntimeException failed) {
            // The node is unreachable (or the client went away): answer as a gateway would, if we still can.
            try {
                respond(exchange, 502, JSON.writeValueAsBytes(Map.of("error", "upstream: " + failed)));
            } catch (IOException | RuntimeException tooLate) {
                // The answer had started, or the client is gone: it sees a dropped exchange.
            }
        } finally {
            exchange.close();
        }
    }

    /** Answers what the rules answer, forwards the rest in one upstream request, and puts the answers together. */
    private void answer(HttpExchange exchange, List<JsonNode> requests, boolean batch) throws IOException {
        List<JsonNode> answers = new ArrayList<>(Collections.nCopies(requests.size(), null));
        List<Integer> forwardedAt = new ArrayList<>();
        ArrayNode forwarded = NODES.arrayNode();
        for (int i = 0; i < requests.size(); i++) {
            JsonNode request = requests.get(i);
            String method = request.path("method").asText("");
            calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
            Optional<JsonNode> ruled = rule(request, method);
            if (ruled.isPresent() && ruled.get().has("method")) {
                forwardedAt.add(i);
                forwarded.add(ruled.get());
            } else if (ruled.isPresent()) {
                answers.set(i, ruled.get());
            } else {
                forwardedAt.add(i);
                forwarded.add(request);
            }
        }
        if (!forwardedAt.isEmpty()) {
            byte[] outgoing = JSON.writeValueAsBytes(batch ? forwarded : forwarded.get(0));
            HttpResponse<byte[]> response = post(outgoing);
            JsonNode upstreamAnswer = response.statusCode() == 200 ? parseOrNull(response.body()) : null;
            Map<String, JsonNode> byId = new HashMap<>();
            if (batch && upstreamAnswer != null && upstreamAnswer.isArray()) {
                upstreamAnswer.forEach(a -> byId.put(a.path("id").toString(), a));
            } else if (!batch && upstreamAnswer != null && upstreamAnswer.isObject()) {
                byId.put(upstreamAnswer.path("id").toString(), upstreamAnswer);
            } else {
                // Not an answer we can take apart (an HTTP error, an odd body): pass it on as the node sent it.
                respond(exchange, response.statusCode(), response.body());
                return;
            }
            for (int i : forwardedAt) {
                answers.set(i, byId.get(requests.get(i).path("id").toString()));
            }
        }
        // Notifications (no id) get no answer.
        List<JsonNode> sent = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).has("id") && answers.get(i) != null) {
                sent.add(answers.get(i));
            }
        }
        if (!batch) {
            respond(exchange, 200, sent.isEmpty() ? new byte[0] : JSON.writeValueAsBytes(sent.get(0)));
            return;
        }
        if (reverseBatches) {
            Collections.reverse(sent);
        }
        respond(exchange, 200, JSON.writeValueAsBytes(NODES.arrayNode().addAll(sent)));
    }

    /**
     * What the rules make of one request: empty to forward it as it is, an answer (no "method") to send instead,
     * or a rewritten request (with "method") to forward instead.
     */
    private Optional<JsonNode> rule(JsonNode request, String method) {
        FailRule failure = failures.get(method);
        if (failure != null && failure.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return Optional.of(error(request, failure.error()));
        }
        Long chainId = fakeChainId;
        if (chainId != null && method.equals("eth_chainId")) {
            return Optional.of(result(request, NODES.textNode(hex(chainId))));
        }
        if (chainId != null && method.equals("net_version")) {
            return Optional.of(result(request, NODES.textNode(Long.toString(chainId))));
        }
        Long head = frozenHead;
        if (head != null && method.equals("eth_blockNumber")) {
            return Optional.of(result(request, NODES.textNode(hex(head))));
        }
        if (head != null && method.equals("eth_getBlockByNumber") && request.path("params").isArray()
                && isHeadTag(request.path("params").path(0).asText(""))) {
            ObjectNode rewritten = request.deepCopy();
            ((ArrayNode) rewritten.get("params")).set(0, NODES.textNode(hex(head)));
            return Optional.of(rewritten);
        }
        LogLimit limit = logLimit;
        if (limit != null && method.equals("eth_getLogs")) {
            JsonNode filter = request.path("params").path(0);
            if (!filter.has("blockHash")) {
                long from = block(filter.get("fromBlock"));
                long to = block(filter.get("toBlock"));
                if (to - from + 1 > limit.maxBlocks()) {
                    return Optional.of(error(request, limit.error()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isHeadTag(String tag) {
        return tag.equals("latest") || tag.equals("pending");
    }

    /** A block parameter as a number; tags for the head resolve to the (possibly frozen) head. */
    private long block(JsonNode parameter) {
        if (parameter == null || parameter.isNull()) {
            return head();
        }
        if (parameter.isNumber()) {
            return parameter.asLong();
        }
        String text = parameter.asText();
        if (text.equals("earliest")) {
            return 0;
        }
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return Long.parseLong(text.substring(2), 16);
        }
        // latest, pending, safe, finalized: on a dev chain all of them are the head.
        return head();
    }

    private long head() {
        Long head = frozenHead;
        return head != null ? head : upstreamBlockNumber();
    }

    private long upstreamBlockNumber() {
        ObjectNode request = NODES.objectNode().put("jsonrpc", "2.0").put("id", 1).put("method", "eth_blockNumber");
        request.putArray("params");
        try {
            HttpResponse<byte[]> response = post(JSON.writeValueAsBytes(request));
            JsonNode answer = parseOrNull(response.body());
            if (response.statusCode() != 200 || answer == null || !answer.path("result").isTextual()) {
                throw new IllegalStateException("node answered eth_blockNumber with " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return Long.parseLong(answer.get("result").asText().substring(2), 16);
        } catch (IOException e) {
            throw new IllegalStateException("node unreachable at " + upstream, e);
        }
    }

    private HttpResponse<byte[]> post(byte[] body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(upstream)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void relay(HttpExchange exchange, byte[] body) throws IOException {
        HttpResponse<byte[]> response = post(body);
        respond(exchange, response.statusCode(), response.body());
    }

    private static JsonNode parseOrNull(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static ObjectNode result(JsonNode request, JsonNode result) {
        ObjectNode answer = NODES.objectNode().put("jsonrpc", "2.0");
        answer.set("id", request.has("id") ? request.get("id").deepCopy() : NODES.nullNode());
        answer.set("result", result);
        return answer;
    }

    private static ObjectNode error(JsonNode request, RpcError error) {
        ObjectNode answer = NODES.objectNode().put("jsonrpc", "2.0");
        answer.set("id", request.has("id") ? request.get("id").deepCopy() : NODES.nullNode());
        answer.putObject("error").put("code", error.code()).put("message", error.message());
        return answer;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
