// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The till API as OpenAPI 3.0, written by hand beside the code (openapi.json) and checked against the routes. */
final class OpenApiDocument {
    private static final String RESOURCE = "openapi.json";
    private static volatile String json;

    private OpenApiDocument() {
    }

    static String json() {
        String loaded = json;
        if (loaded == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the build");
                }
                loaded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                json = loaded;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return loaded;
    }
}
