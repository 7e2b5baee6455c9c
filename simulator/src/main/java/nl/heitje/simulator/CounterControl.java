// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.simulator.card.CardTaps;
import nl.heitje.simulator.card.SigningCardApplet;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.javalin.ApiError;
import nl.heitje.terminal.adapter.javalin.JsonHttp;
import nl.heitje.terminal.adapter.javalin.PaymentJson;
import nl.heitje.simulator.devices.ScanNotDeliveredException;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ScanResult;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The control calls that play the people and things at the counter: citizens with wallets and cards, a card on
 * the reader, the lights and buzzer, the buttons.
 */
final class CounterControl {
    private final SimulatedCounter counter;
    private final SimulatedChains chains;
    private final Terminal terminal;
    private static final Duration SCAN_DEADLINE = Duration.ofSeconds(60);
    private static final int PHOTO_FRAMES = 3;

    CounterControl(SimulatedCounter counter, SimulatedChains chains, Terminal terminal) {
        this.counter = counter;
        this.chains = chains;
        this.terminal = terminal;
    }

    /** {@code POST /sim/card}: taps a virtual card known by its key. */
    void card(Context ctx) {
        JsonNode body = JsonHttp.objectBody(ctx);
        BigInteger key = privateKey(JsonHttp.requiredText(body, "privateKey"));
        SigningCardApplet card = counter.card(key, pin(text(body, "pin").orElse("1234"), "pin"),
                units(text(body, "noPinLimit").orElse("25.00"), "noPinLimit"));
        Optional<Integer> removeAfter = Optional.ofNullable(body.get("removeAfter")).filter(n -> !n.isNull())
                .map(n -> {
                    if (!n.canConvertToInt() || n.asInt() < 0) {
                        throw new ApiError(400, "BAD_REQUEST", "\"removeAfter\" must be a count of commands, 0 or more");
                    }
                    return n.asInt();
                });
        answer(ctx, tap(card, removeAfter, text(body, "pinEntered")));
    }

    /**
     * {@code POST /sim/citizen}: a dev wallet with a virtual card, funded with {@code balance} in the first purse and
     * with {@code balances} (by symbol) in any purse.
     */
    void citizen(Context ctx) {
        JsonNode body = JsonHttp.objectBody(ctx);
        String name = JsonHttp.requiredText(body, "name");
        if (!name.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new ApiError(400, "BAD_REQUEST", "\"name\" must be 1 to 40 letters, digits, - or _");
        }
        // Every amount is checked before the citizen exists, so a refused call leaves nothing behind.
        DevPurse first = chains.purses().get(0);
        Map<DevPurse, BigInteger> funding = new LinkedHashMap<>();
        funding.put(first, SimulatorControlApi.units(text(body, "balance").orElse("0.00"), first, "balance"));
        JsonNode balances = body.get("balances");
        if (balances != null && !balances.isNull()) {
            if (!balances.isObject()) {
                throw new ApiError(400, "BAD_REQUEST", "\"balances\" must map purse symbols to amounts, like"
                        + " {\"VITA\": \"10.00\"}");
            }
            for (var each = balances.fields(); each.hasNext(); ) {
                var entry = each.next();
                DevPurse purse = SimulatorControlApi.purse(entry.getKey(), chains);
                if (!entry.getValue().isTextual()) {
                    throw new ApiError(400, "BAD_REQUEST", "\"balances\"." + entry.getKey() + " must be a string");
                }
                if (purse.equals(first) && body.hasNonNull("balance")) {
                    throw new ApiError(400, "BAD_REQUEST", "give " + first.symbol() + " in \"balance\" or in"
                            + " \"balances\", not both");
                }
                funding.put(purse, SimulatorControlApi.units(entry.getValue().asText(), purse,
                        "balances." + entry.getKey()));
            }
        }
        String pin = pin(text(body, "pin").orElse("1234"), "pin");
        BigInteger noPinLimit = units(text(body, "noPinLimit").orElse("25.00"), "noPinLimit");
        ECKeyPair key;
        try {
            key = Keys.createEcKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no secp256k1 key generator", e);
        }
        SimulatedCounter.Citizen citizen = new SimulatedCounter.Citizen(name, key, DevWallet.of(key).address());
        if (!counter.register(citizen)) {
            throw new ApiError(409, "CITIZEN_EXISTS", "a citizen named " + name + " exists already");
        }
        counter.card(key.getPrivateKey(), pin, noPinLimit);
        boolean terminalReads = false;
        for (Map.Entry<DevPurse, BigInteger> each : funding.entrySet()) {
            if (each.getValue().signum() > 0) {
                chains.mint(each.getKey(), citizen.address().hex(), each.getValue());
                terminalReads |= SimulatorControlApi.acceptedBy(terminal, each.getKey());
            }
        }
        if (terminalReads) {
            terminal.syncHolderSnapshot();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("address", citizen.address().hex());
        answer.put("privateKey", Numeric.toHexStringWithPrefixZeroPadded(key.getPrivateKey(), 64));
        JsonHttp.respond(ctx, 201, answer);
    }

    /**
     * {@code POST /sim/citizen/{name}/pay}: the citizen pays the waiting payment by QR, photo or card. By QR or photo
     * they sign in {@code purse} (the first by default) the payment's amount converted to that purse's units; a card
     * pays in the first purse only.
     */
    void pay(Context ctx) {
        SimulatedCounter.Citizen citizen = counter.citizen(ctx.pathParam("name"))
                .orElseThrow(() -> new ApiError(404, "NOT_FOUND", "no citizen named " + ctx.pathParam("name")));
        JsonNode body = JsonHttp.objectBody(ctx);
        String by = text(body, "by").orElse("qr");
        Optional<String> pin = text(body, "pin");
        DevPurse purse = SimulatorControlApi.purse(body, chains);
        if (by.equals("card")) {
            if (!purse.equals(chains.purses().get(0))) {
                throw new ApiError(400, "BAD_REQUEST", "a card pays in " + chains.purses().get(0).symbol() + " only");
            }
            answer(ctx, tap(counter.card(citizen.key().getPrivateKey(), "1234", BigInteger.valueOf(25_00)),
                    Optional.empty(), pin));
            return;
        }
        Payment waiting = terminal.desk().waiting()
                .orElseThrow(() -> new ApiError(409, "NO_PAYMENT_WAITING", "no payment is waiting to be paid"));
        // What the purse may pay of the sale; a purse the sale does not offer signs the whole sale, which the
        // terminal then declines with its reason.
        Token token = purse.token();
        long units = waiting.due(token).orElseGet(() -> waiting.requested().in(token)).units();
        final String text = PaymentQrCodec.encode(DevWallet.of(citizen.key()).authorize(token,
                Address.parse(terminal.config().merchant().address()), units,
                Instant.now().plus(terminal.config().settlement().offlineWindow()).plusSeconds(3600).getEpochSecond()));
        ScanResult result;
        if (by.equals("photo")) {
            result = showToTheCamera(text);
        } else if (by.equals("qr")) {
            result = delivered(() -> counter.hidScanner().scan(text, SCAN_DEADLINE));
        } else {
            throw new ApiError(400, "BAD_REQUEST", "\"by\" must be qr, photo or card");
        }
        answer(ctx, result.payment().orElseThrow(() -> new ApiError(409, "NO_PAYMENT_WAITING",
                "the payment stopped waiting before the code was read")));
    }

    /**
     * The phone's screen held up to the camera: a few frames of the real camera path. ZXing's finder-pattern search
     * misses a few percent of perfectly rendered codes (a real camera's frames are never that clean); as a wallet
     * app may redraw its code, the citizen's screen redraws it at another error-correction level, a different
     * symbol for the same text, when the camera read nothing.
     */
    private ScanResult showToTheCamera(String text) {
        ScanNotDeliveredException unread = null;
        for (ErrorCorrectionLevel level : List.of(ErrorCorrectionLevel.M, ErrorCorrectionLevel.Q, ErrorCorrectionLevel.L)) {
            try {
                return counter.camera().show(png(text, level), PHOTO_FRAMES, SCAN_DEADLINE);
            } catch (ScanNotDeliveredException notRead) {
                unread = notRead;
            }
        }
        throw new ApiError(422, "SCAN_DROPPED", unread.getMessage());
    }

    /** {@code POST /sim/scanner}: text typed by a keyboard-wedge scanner or sent by a serial one. */
    void scanner(Context ctx) {
        JsonNode body = JsonHttp.objectBody(ctx);
        String device = JsonHttp.requiredText(body, "device");
        String text = JsonHttp.requiredText(body, "text");
        ScanResult result;
        if (device.equals("hid")) {
            try {
                result = delivered(() -> counter.hidScanner().scan(text, SCAN_DEADLINE));
            } catch (IllegalArgumentException untypable) {
                throw new ApiError(400, "BAD_REQUEST", untypable.getMessage());
            }
        } else if (device.equals("serial")) {
            result = delivered(() -> counter.serialScanner().scan(text, SCAN_DEADLINE));
        } else {
            throw new ApiError(400, "BAD_REQUEST", "\"device\" must be hid or serial");
        }
        answer(ctx, result.payment().orElseThrow(() -> new ApiError(409, "NO_PAYMENT_WAITING",
                "the scan was read, but no payment is waiting for it")));
    }

    @FunctionalInterface
    private interface Delivery {
        ScanResult deliver() throws ScanNotDeliveredException;
    }

    /** A scan the device's decoder dropped (not printable, too long, no code in view) never reached the desk. */
    private static ScanResult delivered(Delivery delivery) {
        try {
            return delivery.deliver();
        } catch (ScanNotDeliveredException dropped) {
            throw new ApiError(422, "SCAN_DROPPED", dropped.getMessage());
        }
    }

    /** {@code GET /sim/indicators}. */
    void indicators(Context ctx) {
        List<Map<String, Object>> beeps = counter.panel().beeps().stream().map(beep -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("pattern", beep.pattern());
            one.put("pulses", beep.pulses());
            one.put("at", beep.at().toString());
            return one;
        }).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("leds", counter.panel().leds());
        answer.put("beeps", beeps);
        answer.put("relayClosed", counter.panel().relayClosed());
        JsonHttp.respond(ctx, 200, answer);
    }

    /** {@code POST /sim/button/{name}}. */
    void button(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            counter.panel().press(name);
        } catch (IllegalArgumentException unknown) {
            throw new ApiError(404, "NOT_FOUND", "no button " + name + " on this counter");
        }
        JsonHttp.respond(ctx, 200, Map.of("pressed", name));
    }

    private Payment tap(SigningCardApplet card, Optional<Integer> removeAfter, Optional<String> pin) {
        try {
            return counter.tap(card, removeAfter, pin);
        } catch (CardTaps.NoPaymentWaitingException none) {
            throw new ApiError(409, "NO_PAYMENT_WAITING", none.getMessage());
        }
    }

    private static void answer(Context ctx, Payment payment) {
        JsonHttp.respond(ctx, 200, Map.of("payment", PaymentJson.of(payment)));
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new ApiError(400, "BAD_REQUEST", "\"" + field + "\" must be a string");
        }
        return Optional.of(node.asText());
    }

    private static String pin(String pin, String field) {
        if (!pin.matches("[0-9]{4,6}")) {
            throw new ApiError(400, "BAD_REQUEST", "\"" + field + "\" must be 4 to 6 digits");
        }
        return pin;
    }

    private BigInteger units(String amount, String field) {
        return Money.parse(amount, terminal.token()).map(m -> BigInteger.valueOf(m.units()))
                .or(() -> amount.matches("0(\\.0+)?") ? Optional.of(BigInteger.ZERO) : Optional.empty())
                .orElseThrow(() -> new ApiError(400, "INVALID_AMOUNT", "\"" + field
                        + "\" must be a decimal string like \"20.00\""));
    }

    private static BigInteger privateKey(String hex) {
        if (!hex.matches("0x[0-9a-fA-F]{64}")) {
            throw new ApiError(400, "BAD_REQUEST", "\"privateKey\" must be 0x followed by 64 hex digits");
        }
        return new BigInteger(hex.substring(2), 16);
    }

    /** The citizen's screen: the code as a PNG, as a phone shows it. */
    private static byte[] png(String text, ErrorCorrectionLevel level) {
        try {
            var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 400, 400,
                    Map.of(EncodeHintType.ERROR_CORRECTION, level, EncodeHintType.MARGIN, 4));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "png", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalStateException("cannot draw the citizen's code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
