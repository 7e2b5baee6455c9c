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

    SimulatorControlApi(int port, LocalChain chain, NetworkSwitch network, SimulatedCounter counter,
                        Terminal terminal) {
        SimulatedQrScanner scanner = counter.scanner();
        CounterControl devices = new CounterControl(counter, chain, terminal);
        this.server = Javalin.create(config -> {
            JsonHttp.configure(config, "127.0.0.1", port);
            // A phone photo of a code is several megabytes; Javalin's 1 MB default would refuse it.
            config.http.maxRequestSize = 20_000_000L;
            config.routes.before("/sim/*", SimulatorControlApi::refuseBrowsers);
            config.routes.get("/sim/chain", ctx -> JsonHttp.respond(ctx, 200, chainInfo(chain)));
            config.routes.post("/sim/chain/fund", ctx -> fund(ctx, chain, terminal));
            config.routes.post("/sim/qr", ctx -> scan(ctx, scanner));
            config.routes.post("/sim/scanner", devices::scanner);
            config.routes.post("/sim/card", devices::card);
            config.routes.post("/sim/citizen", devices::citizen);
            config.routes.post("/sim/citizen/{name}/pay", devices::pay);
            config.routes.get("/sim/indicators", devices::indicators);
            config.routes.post("/sim/button/{name}", devices::button);
            config.routes.post("/sim/network", ctx -> {
                JsonNode online = JsonHttp.objectBody(ctx).get("online");
                if (online == null || !online.isBoolean()) {
                    throw new ApiError(400, "BAD_REQUEST", "\"online\" must be true or false");
                }
                network.setOnline(online.asBoolean());
                JsonHttp.respond(ctx, 200, Map.of("online", network.isOnline()));
            });
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

    private static Map<String, Object> chainInfo(LocalChain chain) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("rpcUrl", chain.rpcUrl());
        info.put("chainId", LocalChain.CHAIN_ID);
        info.put("token", chain.token());
        info.put("tokenName", LocalChain.TOKEN_NAME);
        info.put("tokenVersion", LocalChain.TOKEN_VERSION);
        info.put("decimals", LocalChain.DECIMALS);
        info.put("merchant", LocalChain.MERCHANT.getAddress());
        info.put("batcher", chain.batcher());
        return info;
    }

    private static void fund(Context ctx, LocalChain chain, Terminal terminal) {
        JsonNode body = JsonHttp.objectBody(ctx);
        Address address;
        try {
            address = Address.parse(JsonHttp.requiredText(body, "address"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BAD_REQUEST", "\"address\" must be a 0x-prefixed 20-byte address");
        }
        Money amount = Money.parse(JsonHttp.requiredText(body, "amount"), terminal.token())
                .orElseThrow(() -> new ApiError(400, "INVALID_AMOUNT", "\"amount\" must be a decimal string like \"20.00\""));
        BigInteger balance = chain.mint(address.hex(), BigInteger.valueOf(amount.units()));
        // The terminal's holder snapshot learns of the new citizen now, so a payment right after a network cut (the
        // offline rules read the snapshot) does not depend on a timer.
        terminal.syncHolderSnapshot();
        JsonHttp.respond(ctx, 200, Map.of("address", address.hex(),
                "balance", new Money(balance.longValueExact(), terminal.token()).toDecimalString()));
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
