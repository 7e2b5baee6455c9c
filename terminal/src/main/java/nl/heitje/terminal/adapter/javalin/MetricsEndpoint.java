// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import io.javalin.config.JavalinConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} on the till API's server, for a Prometheus scraper. It has a bearer token of its own
 * ({@code metrics.token}): whoever runs the monitoring gets to read figures, not to ask for or cancel payments with
 * the till's token.
 *
 * @param token       the bearer token a scraper must send
 * @param scrape      the meters in Prometheus' text format, read when asked
 * @param contentType the text format's content type
 */
public record MetricsEndpoint(String token, Supplier<String> scrape, String contentType) {
    public static final String PATH = "/metrics";

    @Override
    public String toString() {
        return "MetricsEndpoint[token=<hidden>]";
    }

    void install(JavalinConfig config) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        config.routes.get(PATH, ctx -> {
            String header = ctx.header("Authorization");
            // Constant time, as for the till's token.
            if (header == null || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected)) {
                throw new ApiError(401, "UNAUTHORIZED", "a valid Authorization: Bearer <metrics token> header is"
                        + " required");
            }
            ctx.status(200).contentType(contentType).result(scrape.get());
        });
    }
}
