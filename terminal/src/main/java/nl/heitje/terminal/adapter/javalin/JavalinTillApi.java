// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import nl.heitje.terminal.app.PaymentChangeFeed;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.ZReport;
import nl.heitje.terminal.port.Reports;

/** The till API of till-api.md, version 1, over Javalin. */
public final class JavalinTillApi implements AutoCloseable {
    private static final Pattern REFERENCE = Pattern.compile("[\\x21-\\x7E]{1,64}");
    private static final int MAX_LISTED = 1000;
    /** Beyond it an instant no longer fits the journal's milliseconds, and nobody means it anyway. */
    private static final Instant LAST_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");

    /** What the till API is configured with. */
    public record Settings(String host, int port, String apiToken, Euros maxPerPayment, Optional<TillTls> tls,
                           Optional<MetricsEndpoint> metrics) {
        /** Plain HTTP: for a loopback host, or a network the config declares trusted. */
        public Settings(String host, int port, String apiToken, Euros maxPerPayment) {
            this(host, port, apiToken, maxPerPayment, Optional.empty(), Optional.empty());
        }

        public Settings(String host, int port, String apiToken, Euros maxPerPayment, Optional<TillTls> tls) {
            this(host, port, apiToken, maxPerPayment, tls, Optional.empty());
        }
    }

    /**
     * What the report calls need: the journal's figures, who is paid out, each purse's issuer (in the config's
     * order; empty when the config names none) and the clock that says what "now" is.
     */
    public record Reporting(Reports reports, PayoutStatement.Merchant merchant, Map<Token, Optional<Address>> issuers,
                            Clock clock) {
    }

    /**
     * What the version 2 calls need: the payment changes for the event stream, and what starts a settlement round
     * on every chain now.
     */
    public record Services(PaymentChangeFeed changes, Runnable settleNow) {
    }

    /** More open event streams than a shop has tills; each holds a server thread. */
    private static final int MAX_EVENT_STREAMS = 8;

    private final Javalin server;
    private final boolean tls;
    private final EventStream events;

    /** Without reports: the report calls answer 404. */
    public JavalinTillApi(Settings settings, PaymentDesk desk, Supplier<Map<String, Object>> health) {
        this(settings, desk, health, null);
    }

    public JavalinTillApi(Settings settings, PaymentDesk desk, Supplier<Map<String, Object>> health,
                          Reporting reporting) {
        this(settings, desk, health, reporting, null, config -> { });
    }

    /** With the event stream and "settle now", and no other routes. */
    public JavalinTillApi(Settings settings, PaymentDesk desk, Supplier<Map<String, Object>> health,
                          Reporting reporting, Services services) {
        this(settings, desk, health, reporting, services, config -> { });
    }

    /** With more routes on the same server, and no event stream. */
    public JavalinTillApi(Settings settings, PaymentDesk desk, Supplier<Map<String, Object>> health,
                          Reporting reporting, Consumer<JavalinConfig> alsoServe) {
        this(settings, desk, health, reporting, null, alsoServe);
    }

    /**
     * @param services  the event stream's feed and "settle now"; without them those calls answer 404
     * @param alsoServe more routes on the same server (the merchant's web page): one port, one certificate
     */
    public JavalinTillApi(Settings settings, PaymentDesk desk, Supplier<Map<String, Object>> health,
                          Reporting reporting, Services services, Consumer<JavalinConfig> alsoServe) {
        this.events = services == null ? null : new EventStream(services.changes(), MAX_EVENT_STREAMS);
        byte[] expectedToken = ("Bearer " + settings.apiToken()).getBytes(StandardCharsets.UTF_8);
        this.tls = settings.tls().isPresent();
        this.server = Javalin.create(config -> {
            JsonHttp.configure(config, settings.host(), settings.port());
            settings.tls().ifPresent(tls -> tls.install(config, settings.host(), settings.port()));
            settings.metrics().ifPresent(metrics -> metrics.install(config));
            config.routes.before("/api/v1/*", ctx -> {
                if (ctx.path().equals("/api/v1/health")) {
                    return;
                }
                if (!authorized(ctx, expectedToken)) {
                    throw new ApiError(401, "UNAUTHORIZED", "a valid Authorization: Bearer <api token> header is required");
                }
            });
            // Without the token, only whether the terminal is up: the rest (merchant, payers blocked, deny-list state)
            // is nobody's business on the shop's network.
            config.routes.get("/api/v1/health", ctx -> JsonHttp.respond(ctx, 200,
                    authorized(ctx, expectedToken) ? health.get() : Map.of("status", "UP")));
            config.routes.post("/api/v1/payments", ctx -> create(ctx, settings, desk));
            config.routes.get("/api/v1/payments", ctx -> list(ctx, desk));
            config.routes.get("/api/v1/payments/{id}", ctx -> JsonHttp.respond(ctx, 200, PaymentJson.of(
                    desk.find(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx.pathParam("id"))))));
            config.routes.post("/api/v1/payments/{id}/cancel", ctx -> cancel(ctx, desk));
            config.routes.post("/api/v1/payments/{id}/acknowledge-loss", ctx -> acknowledgeLoss(ctx, desk));
            config.routes.post("/api/v1/payments/{id}/void", ctx -> voidPayment(ctx, desk));
            config.routes.get("/api/v1/openapi.json", ctx -> ctx.status(200)
                    .contentType("application/json; charset=utf-8").result(OpenApiDocument.json()));
            if (services != null) {
                config.routes.get("/api/v1/events", events::serve);
                config.routes.post("/api/v1/settlement/run", ctx -> {
                    services.settleNow().run();
                    JsonHttp.respond(ctx, 202, Map.of("status", "STARTED", "message",
                            "a settlement round starts now on every chain"));
                });
            }
            if (reporting != null) {
                config.routes.get("/api/v1/totals", ctx -> totals(ctx, reporting));
                config.routes.post("/api/v1/totals/close", ctx -> JsonHttp.respond(ctx, 201,
                        ReportsJson.zReport(reporting.reports().closePeriod(reporting.clock().instant()))));
                config.routes.get("/api/v1/totals/closes/{number}", ctx -> closed(ctx, reporting));
                config.routes.get("/api/v1/payout", ctx -> JsonHttp.respond(ctx, 200,
                        ReportsJson.payout(payout(ctx, reporting))));
                config.routes.get("/api/v1/payout.csv", ctx -> payoutCsv(ctx, reporting));
            }
            alsoServe.accept(config);
        });
    }

    public JavalinTillApi start() {
        server.start();
        return this;
    }

    public int port() {
        return server.port();
    }

    /** {@code https} when served over TLS, else {@code http}. */
    public String scheme() {
        return tls ? "https" : "http";
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        server.stop();
    }

    /** Every route served, as "METHOD /path" with Javalin's {param} syntax: for the check against the OpenAPI document. */
    List<String> routes() {
        return server.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path).toList();
    }

    private static void create(Context ctx, Settings settings, PaymentDesk desk) {
        JsonNode body = JsonHttp.objectBody(ctx);
        String amountText = JsonHttp.requiredText(body, "amount");
        String reference = JsonHttp.requiredText(body, "reference");
        Euros amount = Euros.parse(amountText)
                .filter(m -> !m.isZero())
                .orElseThrow(() -> new ApiError(400, "INVALID_AMOUNT", "amount must be a positive decimal string with at"
                        + " most 2 decimals, like \"4.50\""));
        if (amount.compareTo(settings.maxPerPayment()) > 0) {
            throw new ApiError(400, "AMOUNT_TOO_LARGE", "amount is above this terminal's maximum of "
                    + settings.maxPerPayment().toDecimalString());
        }
        if (!REFERENCE.matcher(reference).matches()) {
            throw new ApiError(400, "INVALID_REFERENCE", "reference must be 1 to 64 printable ASCII characters without spaces");
        }
        Basket basket = basket(body.get("basket"), amount);
        List<String> purses = purses(body.get("purses"));
        try {
            PaymentDesk.Requested requested = desk.request(amount, basket, purses, reference);
            JsonHttp.respond(ctx, requested.created() ? 201 : 200, PaymentJson.of(requested.payment()));
        } catch (PaymentDesk.BusyException busy) {
            throw new ApiError(409, "BUSY", "payment " + busy.waiting().id() + " (" + busy.waiting().reference()
                    + ") is still waiting; cancel it or wait for its outcome");
        } catch (PaymentDesk.ReferenceConflictException conflict) {
            throw new ApiError(409, "REFERENCE_CONFLICT", conflict.getMessage());
        } catch (PaymentDesk.UnknownPurseException unknown) {
            throw new ApiError(400, "UNKNOWN_PURSE", unknown.getMessage());
        } catch (PaymentDesk.NothingPayableException nothing) {
            throw new ApiError(422, "NO_ELIGIBLE_PURSE", nothing.getMessage());
        }
    }

    /** {@code basket}: absent or null for none; else lines of a category and an amount that add up to the sale. */
    private static Basket basket(JsonNode lines, Euros amount) {
        if (lines == null || lines.isNull()) {
            return Basket.NONE;
        }
        if (!lines.isArray() || lines.isEmpty() || lines.size() > Basket.MAX_LINES) {
            throw new ApiError(400, "INVALID_BASKET", "basket must be an array of 1 to " + Basket.MAX_LINES
                    + " lines like {\"category\": \"food\", \"amount\": \"4.00\"}");
        }
        List<Basket.Line> parsed = new ArrayList<>();
        for (JsonNode line : lines) {
            JsonNode category = line.get("category");
            JsonNode lineAmount = line.get("amount");
            if (!line.isObject() || line.size() != 2 || category == null || !category.isTextual()
                    || !Basket.isCategory(category.asText()) || lineAmount == null || !lineAmount.isTextual()) {
                throw new ApiError(400, "INVALID_BASKET", "each basket line is {\"category\", \"amount\"}: a category"
                        + " of a-z, 0-9 and '-' (at most 32) and a decimal string");
            }
            Euros euros = Euros.parse(lineAmount.asText()).filter(e -> !e.isZero())
                    .orElseThrow(() -> new ApiError(400, "INVALID_BASKET", "basket line " + category.asText()
                            + ": amount must be a positive decimal string with at most 2 decimals"));
            parsed.add(new Basket.Line(category.asText(), euros));
        }
        Basket basket = new Basket(parsed);
        if (!basket.total().equals(amount)) {
            throw new ApiError(400, "INVALID_BASKET", "the basket adds up to " + basket.total() + ", not the amount "
                    + amount);
        }
        return basket;
    }

    /** {@code purses}: absent or null for every purse; else distinct symbols in the till's order of preference. */
    private static List<String> purses(JsonNode symbols) {
        if (symbols == null || symbols.isNull()) {
            return List.of();
        }
        if (!symbols.isArray() || symbols.isEmpty() || symbols.size() > 32) {
            throw new ApiError(400, "INVALID_PURSES", "purses must be an array of 1 to 32 purse symbols");
        }
        List<String> parsed = new ArrayList<>();
        for (JsonNode symbol : symbols) {
            if (!symbol.isTextual() || parsed.contains(symbol.asText())) {
                throw new ApiError(400, "INVALID_PURSES", "purses must be distinct strings such as \"HEIT\"");
            }
            parsed.add(symbol.asText());
        }
        return parsed;
    }

    private static void cancel(Context ctx, PaymentDesk desk) {
        try {
            JsonHttp.respond(ctx, 200, PaymentJson.of(desk.cancel(ctx.pathParam("id"))));
        } catch (PaymentDesk.NotFoundException missing) {
            throw notFound(ctx.pathParam("id"));
        } catch (PaymentDesk.NotWaitingException notWaiting) {
            throw new ApiError(409, "NOT_WAITING", notWaiting.getMessage());
        }
    }

    private static void voidPayment(Context ctx, PaymentDesk desk) {
        JsonNode body = JsonHttp.objectBody(ctx);
        String reason = JsonHttp.requiredText(body, "reason");
        if (reason.isBlank() || reason.length() > PaymentDesk.MAX_VOID_REASON) {
            throw new ApiError(400, "INVALID_REASON", "reason must be 1 to " + PaymentDesk.MAX_VOID_REASON
                    + " characters saying why the payment is voided");
        }
        try {
            JsonHttp.respond(ctx, 200, PaymentJson.of(desk.voidPayment(ctx.pathParam("id"), reason)));
        } catch (PaymentDesk.NotFoundException missing) {
            throw notFound(ctx.pathParam("id"));
        } catch (PaymentDesk.NotVoidableException notVoidable) {
            throw new ApiError(409, "NOT_VOIDABLE", notVoidable.getMessage());
        }
    }

    /** Constant-time comparison: the token is the only thing between the shop LAN and the till API. */
    private static boolean authorized(Context ctx, byte[] expectedToken) {
        String header = ctx.header("Authorization");
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expectedToken);
    }

    private static void acknowledgeLoss(Context ctx, PaymentDesk desk) {
        try {
            JsonHttp.respond(ctx, 200, PaymentJson.of(desk.acknowledgeLoss(ctx.pathParam("id"))));
        } catch (PaymentDesk.NotFoundException missing) {
            throw notFound(ctx.pathParam("id"));
        } catch (PaymentDesk.NotWaitingException nothingToAcknowledge) {
            throw new ApiError(409, "NO_UNACKNOWLEDGED_LOSS", nothingToAcknowledge.getMessage());
        }
    }

    private static void list(Context ctx, PaymentDesk desk) {
        Instant from = instantParam(ctx, "from", Instant.EPOCH);
        Instant to = instantParam(ctx, "to", max(from, Instant.now().plusSeconds(86_400)));
        requireOrdered(from, to);
        String reference = ctx.queryParam("reference");
        List<Map<String, Object>> payments = desk.list(from, to, MAX_LISTED).stream()
                .filter(p -> reference == null || reference.isEmpty() || p.reference().equals(reference))
                .map(PaymentJson::of).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("payments", payments);
        JsonHttp.respond(ctx, 200, answer);
    }

    /** The X report: by default everything decided since the last Z report (or ever, before the first). */
    private static void totals(Context ctx, Reporting reporting) {
        Instant from = instantParam(ctx, "from", null);
        Instant to = instantParam(ctx, "to", null);
        if (from == null) {
            from = reporting.reports().lastClose().map(ZReport::to).orElse(Instant.EPOCH);
        }
        if (to == null) {
            // Never a 400 for a call without parameters, even when the clock was set back below the last close.
            to = max(from, reporting.clock().instant().truncatedTo(ChronoUnit.MILLIS));
        }
        requireOrdered(from, to);
        JsonHttp.respond(ctx, 200, ReportsJson.totals(from, to, reporting.reports().totals(from, to)));
    }

    private static void closed(Context ctx, Reporting reporting) {
        String text = ctx.pathParam("number");
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ApiError(400, "INVALID_NUMBER", "a Z report number is a whole number like 12");
        }
        ZReport z = reporting.reports().closed(number)
                .orElseThrow(() -> new ApiError(404, "NOT_FOUND", "no Z report " + text));
        JsonHttp.respond(ctx, 200, ReportsJson.zReport(z));
    }

    /** The payout statement: by default for everything settled up to now. */
    private static PayoutStatement payout(Context ctx, Reporting reporting) {
        Instant from = instantParam(ctx, "from", Instant.EPOCH);
        Instant to = instantParam(ctx, "to", reporting.clock().instant().truncatedTo(ChronoUnit.MILLIS));
        requireOrdered(from, to);
        Reports reports = reporting.reports();
        return PayoutStatement.of(reporting.merchant(), reporting.issuers(), from, to, reports.payoutFigures(from, to),
                reports.settledPayments(from, to));
    }

    private static void payoutCsv(Context ctx, Reporting reporting) {
        boolean detail = "true".equals(ctx.queryParam("detail"));
        PayoutStatement statement = payout(ctx, reporting);
        ctx.status(200).contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + PayoutCsv.fileName(statement, detail) + "\"")
                .result(detail ? PayoutCsv.detail(statement) : PayoutCsv.purses(statement));
    }

    private static Instant max(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    private static void requireOrdered(Instant from, Instant to) {
        if (from.isAfter(to)) {
            throw new ApiError(400, "INVALID_TIME", "from (" + from + ") is after to (" + to + ")");
        }
    }

    private static Instant instantParam(Context ctx, String name, Instant fallback) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            // The journal keeps milliseconds: a finer bound would split a millisecond between two periods.
            Instant at = Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
            if (at.isBefore(Instant.EPOCH) || !at.isBefore(LAST_INSTANT)) {
                throw new ApiError(400, "INVALID_TIME", name + " must lie between 1970 and the year 9999");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "INVALID_TIME", name + " must be an ISO-8601 instant like 2026-11-27T10:00:00Z");
        }
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "NOT_FOUND", "no payment " + id);
    }

}
