// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.javalin.ApiError;
import nl.heitje.terminal.adapter.javalin.JsonHttp;
import nl.heitje.terminal.adapter.javalin.PaymentJson;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.port.ScanResult;

/** The simulator control API of simulator-control.md, on loopback only. */
final class SimulatorControlApi implements AutoCloseable {
    private final Javalin server;
    private final ZxingQrDecoder decoder = new ZxingQrDecoder();

    SimulatorControlApi(int port, SimulatedChains chains, SimulatedCounter counter, Terminal terminal) {
        SimulatedQrScanner scanner = counter.scanner();
        CounterControl devices = new CounterControl(counter, chains, terminal);
        this.server = Javalin.create(config -> {
            JsonHttp.configure(config, "127.0.0.1", port);
            // A phone photo of a code is several megabytes; Javalin's 1 MB default would refuse it.
            config.http.maxRequestSize = 20_000_000L;
            config.routes.before("/sim/*", SimulatorControlApi::refuseBrowsers);
            config.routes.get("/sim/chain", ctx -> JsonHttp.respond(ctx, 200, chainInfo(chains, terminal)));
            config.routes.post("/sim/chain/fund", ctx -> fund(ctx, chains, terminal));
            config.routes.post("/sim/qr", ctx -> scan(ctx, scanner));
            config.routes.post("/sim/scanner", devices::scanner);
            config.routes.post("/sim/card", devices::card);
            config.routes.post("/sim/citizen", devices::citizen);
            config.routes.post("/sim/citizen/{name}/pay", devices::pay);
            config.routes.get("/sim/indicators", devices::indicators);
            config.routes.post("/sim/button/{name}", devices::button);
            config.routes.get("/sim/network", ctx -> JsonHttp.respond(ctx, 200, networkState(chains, null)));
            config.routes.post("/sim/network", ctx -> network(ctx, chains));
            new PrinterControl(counter.printer()).routes(config.routes);
        });
    }

    /**
     * The control API mints money and cuts the network without a password, so only programs on this machine may
     * use it, never a web page in the developer's browser: a request with an {@code Origin} header (every browser
     * sends one cross-origin) is refused; so is a {@code Host} that is not loopback (DNS rebinding: a page whose
     * name resolves to 127.0.0.1), and a JSON call without a JSON content type (a browser sends a "simple" form
     * POST without asking first).
     */
    private static void refuseBrowsers(Context ctx) {
        if (ctx.header("Origin") != null) {
            throw new ApiError(403, "BROWSER_REFUSED", "the simulator control API does not answer web pages");
        }
        String host = Optional.ofNullable(ctx.header("Host")).orElse("").replaceFirst(":[0-9]+$", "");
        if (!(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"))) {
            throw new ApiError(403, "BROWSER_REFUSED", "the simulator control API answers only on loopback names");
        }
        // Every POST but /sim/qr (text or a picture) and a button press (no body at all) carries JSON.
        boolean post = ctx.method().name().equals("POST");
        boolean button = ctx.path().startsWith("/sim/button/");
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(java.util.Locale.ROOT);
        if (post && button && ctx.bodyAsBytes().length > 0) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "a button press has no body");
        }
        if (post && !button && !ctx.path().equals("/sim/qr") && !type.startsWith("application/json")) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json");
        }
    }

    SimulatorControlApi start() {
        server.start();
        return this;
    }

    int port() {
        return server.port();
    }

    /** The first purse's fields at the top (what a single-purse client reads), then every purse. */
    private static Map<String, Object> chainInfo(SimulatedChains chains, Terminal terminal) {
        DevPurse first = chains.purses().get(0);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("rpcUrl", first.rpcUrl());
        info.put("chainId", first.chainId());
        info.put("token", first.contract());
        info.put("tokenName", first.name());
        info.put("tokenVersion", first.version());
        info.put("decimals", first.decimals());
        info.put("merchant", LocalChain.MERCHANT.getAddress());
        info.put("merchantCategory", terminal.config().merchant().category().orElse(null));
        info.put("batcher", first.batcher());
        info.put("purses", chains.purses().stream().map(SimulatorControlApi::purseInfo).toList());
        return info;
    }

    private static Map<String, Object> purseInfo(DevPurse purse) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("symbol", purse.symbol());
        info.put("token", purse.contract());
        info.put("tokenName", purse.name());
        info.put("tokenVersion", purse.version());
        info.put("decimals", purse.decimals());
        info.put("chainId", purse.chainId());
        info.put("rpcUrl", purse.rpcUrl());
        info.put("batcher", purse.batcher());
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("merchantCategories", purse.merchantCategories());
        rules.put("productCategories", purse.productCategories());
        info.put("rules", rules);
        return info;
    }

    /** The purse a call names, the first when it names none. */
    static DevPurse purse(JsonNode body, SimulatedChains chains) {
        JsonNode named = body.get("purse");
        if (named == null || named.isNull()) {
            return chains.purses().get(0);
        }
        if (!named.isTextual()) {
            throw new ApiError(400, "BAD_REQUEST", "\"purse\" must be a purse's symbol, like \"HEIT\"");
        }
        return purse(named.asText(), chains);
    }

    static DevPurse purse(String symbol, SimulatedChains chains) {
        return chains.purse(symbol).orElseThrow(() -> new ApiError(400, "UNKNOWN_PURSE", "no purse " + symbol
                + "; the simulator has " + String.join(", ", chains.purses().stream().map(DevPurse::symbol).toList())));
    }

    /** An amount like "20.00" in the purse's base units (so "20.00" MSTR is 20 000 000 of its 6-decimal units). */
    static BigInteger units(String amount, DevPurse purse, String field) {
        return Money.parse(amount, purse.token()).map(m -> BigInteger.valueOf(m.units()))
                .or(() -> amount.matches("0(\\.0+)?") ? Optional.of(BigInteger.ZERO) : Optional.empty())
                .orElseThrow(() -> new ApiError(400, "INVALID_AMOUNT", "\"" + field
                        + "\" must be a decimal string like \"20.00\", with at most " + purse.decimals()
                        + " decimals for " + purse.symbol()));
    }

    /** Whether the terminal reads this purse's balances: funding one it does not take needs no snapshot sync. */
    static boolean acceptedBy(Terminal terminal, DevPurse purse) {
        return terminal.config().tokens().stream().anyMatch(token -> token.symbol().equals(purse.symbol())
                && token.chainId() == purse.chainId());
    }

    private static void fund(Context ctx, SimulatedChains chains, Terminal terminal) {
        JsonNode body = JsonHttp.objectBody(ctx);
        Address address;
        try {
            address = Address.parse(JsonHttp.requiredText(body, "address"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BAD_REQUEST", "\"address\" must be a 0x-prefixed 20-byte address");
        }
        DevPurse purse = purse(body, chains);
        Money amount = Money.parse(JsonHttp.requiredText(body, "amount"), purse.token())
                .orElseThrow(() -> new ApiError(400, "INVALID_AMOUNT", "\"amount\" must be a decimal string like"
                        + " \"20.00\", with at most " + purse.decimals() + " decimals for " + purse.symbol()));
        BigInteger balance = chains.mint(purse, address.hex(), BigInteger.valueOf(amount.units()));
        // The terminal's holder snapshot learns of the new citizen now, so a payment right after a network cut (the
        // offline rules read the snapshot) does not depend on a timer.
        if (acceptedBy(terminal, purse)) {
            terminal.syncHolderSnapshot();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("address", address.hex());
        answer.put("purse", purse.symbol());
        answer.put("balance", new Money(balance.longValueExact(), purse.token()).toDecimalString());
        JsonHttp.respond(ctx, 200, answer);
    }

    /** Cuts or restores every chain, or only the one {@code chainId} names. */
    private static void network(Context ctx, SimulatedChains chains) {
        JsonNode body = JsonHttp.objectBody(ctx);
        JsonNode online = body.get("online");
        if (online == null || !online.isBoolean()) {
            throw new ApiError(400, "BAD_REQUEST", "\"online\" must be true or false");
        }
        JsonNode chainId = body.get("chainId");
        Long only = null;
        if (chainId != null && !chainId.isNull()) {
            if (!chainId.canConvertToLong() || !chainId.isIntegralNumber()) {
                throw new ApiError(400, "BAD_REQUEST", "\"chainId\" must be a chain id number, like 31337");
            }
            only = chainId.asLong();
            if (chains.network(only).isEmpty()) {
                throw new ApiError(404, "UNKNOWN_CHAIN", "no chain " + only + "; the simulator has "
                        + chains.networks().keySet());
            }
        }
        for (Map.Entry<Long, NetworkSwitch> each : chains.networks().entrySet()) {
            if (only == null || only.equals(each.getKey())) {
                each.getValue().setOnline(online.asBoolean());
            }
        }
        JsonHttp.respond(ctx, 200, networkState(chains, only));
    }

    /**
     * {@code online}: the named chain's switch, or with none named, whether every chain is reachable; then each
     * chain's.
     */
    private static Map<String, Object> networkState(SimulatedChains chains, Long only) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("online", only != null ? chains.network(only).orElseThrow().isOnline()
                : chains.networks().values().stream().allMatch(NetworkSwitch::isOnline));
        state.put("chains", chains.networks().entrySet().stream().map(each -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("chainId", each.getKey());
            one.put("online", each.getValue().isOnline());
            return one;
        }).toList());
        return state;
    }

    private void scan(Context ctx, SimulatedQrScanner scanner) {
        String contentType = Optional.ofNullable(ctx.contentType()).orElse("text/plain").toLowerCase(java.util.Locale.ROOT);
        String text;
        if (contentType.startsWith("image/png") || contentType.startsWith("image/jpeg")) {
            text = decoder.decodeImage(ctx.bodyAsBytes())
                    .orElseThrow(() -> new ApiError(422, "NO_QR_FOUND", "no readable QR code in the image"));
        } else if (contentType.startsWith("text/plain")) {
            text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        } else {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send text/plain, image/png or image/jpeg");
        }
        ScanResult result = scanner.scan(text);
        if (result.payment().isEmpty()) {
            throw new ApiError(409, "NO_PAYMENT_WAITING", "the scan was read, but no payment is waiting for it");
        }
        JsonHttp.respond(ctx, 200, Map.of("payment", PaymentJson.of(result.payment().get())));
    }

    @Override
    public void close() {
        server.stop();
    }
}
