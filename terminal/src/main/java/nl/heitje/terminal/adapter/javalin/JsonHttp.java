// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON in and out for our HTTP surfaces, and the error contract they share: {@code {"error", "message"}} with a
 * 4xx for anything the caller sent, and a 500 only for our own faults.
 */
public final class JsonHttp {
    private static final Logger LOG = Logger.getLogger(JsonHttp.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private JsonHttp() {
    }

    public static void respond(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json; charset=utf-8").result(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON answer", e);
        }
    }

    private static String message(HttpResponseException refusal, Context ctx) {
        return switch (refusal.getStatus()) {
            case 404 -> "no such resource: " + ctx.path();
            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "the body is larger than this terminal reads";
            default -> refusal.getMessage() == null ? "refused" : refusal.getMessage();
        };
    }

    /**
     * The body as a JSON object, or a 4xx that says why not. A body declared as something other than JSON is
     * refused unread (415); one declared as nothing is read as JSON, as simple clients send it.
     */
    public static JsonNode objectBody(Context ctx) {
        String type = ctx.contentType();
        if (type != null && !type.isBlank() && !isJson(type)) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "the body must be JSON, sent as application/json");
        }
        try {
            JsonNode body = MAPPER.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new ApiError(400, "BAD_REQUEST", "the body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "BAD_REQUEST", "the body is not valid JSON");
        }
    }

    private static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/")
                && mediaType.endsWith("+json"));
    }

    /** A text field that must be present. */
    public static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new ApiError(400, "BAD_REQUEST", "\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** What every JSON server of ours shares: where it listens, no banner, and the error contract. */
    public static void configure(JavalinConfig config, String host, int port) {
        config.startup.showJavalinBanner = false;
        config.jetty.host = host;
        config.jetty.port = port;
        config.routes.exception(ApiError.class, (error, ctx) ->
                respond(ctx, error.status(), Map.of("error", error.code(), "message", error.getMessage())));
        config.routes.exception(Exception.class, (error, ctx) -> {
            LOG.log(Level.SEVERE, "fault while serving " + ctx.method() + " " + ctx.path(), error);
            respond(ctx, 500, Map.of("error", "INTERNAL", "message", "the terminal could not complete this request"));
        });
        // Javalin's own refusals (no such route, a wrong method, a body over maxRequestSize) are exceptions of
        // this kind; left to Javalin they answer in plain text.
        config.http.prefer405over404 = true;
        config.routes.exception(HttpResponseException.class, (refusal, ctx) -> respond(ctx, refusal.getStatus(),
                Map.of("error", JsonErrorHandler.codeFor(refusal.getStatus()), "message", message(refusal, ctx))));
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, 404, Map.of("error", "NOT_FOUND", "message", "no such resource: " + ctx.path()));
            }
        });
        config.routes.error(405, ctx ->
                respond(ctx, 405, Map.of("error", "METHOD_NOT_ALLOWED", "message", ctx.method() + " is not allowed here")));
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
    }
}
