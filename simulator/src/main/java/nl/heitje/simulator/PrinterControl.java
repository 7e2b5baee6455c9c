// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import nl.heitje.simulator.devices.SimulatedPrinter;
import nl.heitje.terminal.adapter.javalin.ApiError;
import nl.heitje.terminal.adapter.javalin.JsonHttp;

/**
 * The receipt printer's part of the control API: what it printed ({@code GET /sim/printer}, oldest first), each
 * slip as the paper looks ({@code GET /sim/printer/{n}.png}, {@code n} counting from 0 in that list), and its
 * cable ({@code POST /sim/printer}).
 */
final class PrinterControl {
    private final SimulatedPrinter printer;

    PrinterControl(SimulatedPrinter printer) {
        this.printer = printer;
    }

    void routes(RoutesConfig routes) {
        routes.get("/sim/printer", this::printed);
        routes.get("/sim/printer/{slip}", this::image);
        routes.post("/sim/printer", this::cable);
    }

    private void printed(Context ctx) {
        JsonHttp.respond(ctx, 200, Map.of("printed", printer.printed().stream().map(slip -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("text", slip.text());
            one.put("at", slip.at().toString());
            return one;
        }).toList()));
    }

    private void image(Context ctx) {
        String name = ctx.pathParam("slip");
        if (!name.matches("[0-9]{1,9}\\.png")) {
            throw new ApiError(404, "NOT_FOUND", "a printed slip is /sim/printer/{n}.png, n from 0");
        }
        int index = Integer.parseInt(name.substring(0, name.length() - 4));
        SimulatedPrinter.Slip slip = printer.slip(index).orElseThrow(() -> new ApiError(404, "NOT_FOUND",
                "slip " + index + " was not printed; " + printer.printed().size() + " were"));
        ctx.status(200).contentType("image/png").result(slip.png());
    }

    /**
     * {@code {"connected": false}} unplugs the printer, {@code true} plugs it back in; {@code {"goAwayAfterBytes":
     * n}} lets it take n more bytes and then go away in the middle of its slip; {@code {}} changes nothing. Answers
     * the cable's state.
     */
    private void cable(Context ctx) {
        JsonNode body = JsonHttp.objectBody(ctx);
        JsonNode connected = body.get("connected");
        JsonNode goAway = body.get("goAwayAfterBytes");
        if (connected == null && goAway == null) {
            // Nothing to change: the answer is the cable's state.
            JsonHttp.respond(ctx, 200, Map.of("connected", printer.isPluggedIn()));
            return;
        }
        if (connected != null && connected.isBoolean() && goAway == null) {
            if (connected.asBoolean()) {
                printer.plugIn();
            } else {
                printer.unplug();
            }
        } else if (goAway != null && goAway.canConvertToLong() && goAway.isIntegralNumber() && goAway.asLong() >= 0
                && connected == null) {
            printer.goAwayAfter(goAway.asLong());
        } else {
            throw new ApiError(400, "BAD_REQUEST", "send {\"connected\": true|false} or {\"goAwayAfterBytes\": n}");
        }
        JsonHttp.respond(ctx, 200, Map.of("connected", printer.isPluggedIn()));
    }
}
