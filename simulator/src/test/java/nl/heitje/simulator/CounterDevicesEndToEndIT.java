// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/**
 * The counter's devices end to end, through {@code simulator/run} in its own JVM: signing cards on a virtual PC/SC
 * reader, scanners through their real decoders, and the lights and buzzer on Pi4J's mock platform, with payments
 * settling on anvil.
 */
class CounterDevicesEndToEndIT {
    /** For conditions awaited, never a measured duration. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    @TempDir
    static Path dataDir;
    private static SimulatorProcess simulator;
    private static JsonNode chain;
    private static int references;

    @BeforeAll
    static void startSimulator() throws Exception {
        // Kept by the simulator from its data directory: an outcome stays lit until the next payment, and a card
        // waits for its PIN far longer than any till call may take, so a till held up by it could not go unnoticed.
        Files.writeString(dataDir.resolve(Simulator.CONFIG_FILE),
                "indicators.outcomeHoldMillis=600000\ncard.pinTimeoutSeconds=300\n");
        simulator = SimulatorProcess.start("-Xmx96m", dataDir);
        chain = simulator.get(simulator.control + "/sim/chain", false).body();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Test
    void aTapUnderTheNoPinLimitIsApprovedSettlesAndLightsGreenWithOneBeep() throws Exception {
        JsonNode alice = citizen("alice", "20.00");
        JsonNode payment = createPayment("4.50");
        awaitIndicators(leds -> leds.get("blue").asBoolean(), "blue while waiting");
        int before = beepsSoFar();

        JsonNode answer = pay("alice", "card", null);

        assertEquals("APPROVED", answer.get("status").asText(), answer.toString());
        assertEquals("CARD", answer.get("method").asText());
        assertEquals(alice.get("address").asText(), answer.get("payer").asText());
        assertEquals("SETTLED", awaitSettlement(payment.get("id").asText()).get("settlement").asText());
        JsonNode indicators = awaitIndicators(leds -> leds.get("green").asBoolean(), "green after approval");
        assertFalse(indicators.get("leds").get("red").asBoolean());
        assertFalse(indicators.get("leds").get("blue").asBoolean());
        assertEquals(1, awaitBeep(before, "approved").get("pulses").asInt());
    }

    @Test
    void overTheLimitTheRightPinApproves() throws Exception {
        citizen("bram", "60.00");
        createPayment("30.00");

        JsonNode answer = pay("bram", "card", "1234");

        assertEquals("APPROVED", answer.get("status").asText(), answer.toString());
        assertEquals("CARD", answer.get("method").asText());
    }

    @Test
    void wrongPinsCountDownAndTheThirdBlocksTheCard() throws Exception {
        citizen("cor", "60.00");
        for (int triesLeft = 2; triesLeft >= 0; triesLeft--) {
            createPayment("30.00");
            int before = beepsSoFar();
            JsonNode declined = pay("cor", "card", "9999");
            assertEquals("WRONG_PIN", declined.get("declineCode").asText(), declined.toString());
            assertEquals(triesLeft, declined.get("pinTriesLeft").asInt());
            JsonNode indicators = awaitIndicators(leds -> leds.get("red").asBoolean(), "red after a decline");
            assertFalse(indicators.get("leds").get("green").asBoolean());
            assertEquals(2, awaitBeep(before, "pin_wanted").get("pulses").asInt(), "two beeps: key your PIN");
            assertEquals(3, awaitBeep(before, "declined").get("pulses").asInt(), "three beeps for a decline");
        }
        createPayment("30.00");
        assertEquals("CARD_BLOCKED", pay("cor", "card", "1234").get("declineCode").asText());
        createPayment("1.00");
        assertEquals("CARD_BLOCKED", pay("cor", "card", null).get("declineCode").asText(),
                "blocked even under the no-PIN limit");
    }

    @Test
    void aCardTakenAwayMidExchangeDeclinesCardRemovedAndNothingIsLeftToSettle() throws Exception {
        JsonNode dirk = citizen("dirk", "20.00");
        long pendingBefore = health().get("pendingSettlement").asLong();
        for (int commands = 0; commands <= 2; commands++) {
            JsonNode payment = createPayment("3.00");
            Map<String, Object> tap = new HashMap<>();
            tap.put("privateKey", dirk.get("privateKey").asText());
            tap.put("removeAfter", commands);
            var answer = simulator.postJson(simulator.control + "/sim/card", tap, false);
            assertEquals(200, answer.status(), answer.body().toString());
            JsonNode declined = answer.body().get("payment");
            assertEquals("CARD_REMOVED", declined.get("declineCode").asText(), "removed after " + commands);
            JsonNode stored = simulator.get(simulator.api + "/api/v1/payments/" + payment.get("id").asText(), true)
                    .body();
            assertEquals("DECLINED", stored.get("status").asText());
            assertTrue(stored.get("settlement").isNull(), "no redemption: " + stored);
        }
        assertEquals(pendingBefore, health().get("pendingSettlement").asLong());
    }

    @Test
    void theTillIsAnsweredWhileACardWaitsForItsPinAndItsCancelEndsTheWait() throws Exception {
        citizen("eva", "60.00");
        JsonNode payment = createPayment("30.00");
        String id = payment.get("id").asText();
        CompletableFuture<JsonNode> tap = CompletableFuture.supplyAsync(() -> {
            try {
                return pay("eva", "card", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitHealth(h -> "AWAITING_PIN".equals(h.get("session").asText()), "a card waiting for its PIN");

        // Every till call answers while the card waits (for up to 300 s): none waits on the card's session.
        CompletableFuture<JsonNode> read = CompletableFuture.supplyAsync(() -> {
            try {
                return simulator.get(simulator.api + "/api/v1/payments/" + id, true).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("WAITING", read.get(DEADLINE.toSeconds() / 2, TimeUnit.SECONDS).get("status").asText());
        var cancelled = simulator.postJson(simulator.api + "/api/v1/payments/" + id + "/cancel", Map.of(), true);
        assertEquals(200, cancelled.status(), cancelled.body().toString());

        assertEquals("CANCELLED", tap.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).get("status").asText());
    }

    @Test
    void scannersTypeAndSendCodesThroughTheirRealDecodersAndThePhotoGoesThroughTheCamera() throws Exception {
        JsonNode fien = citizen("fien", "20.00");
        for (String device : new String[] {"hid", "serial"}) {
            JsonNode payment = createPayment("1.25");
            var answer = simulator.postJson(simulator.control + "/sim/scanner",
                    Map.of("device", device, "text", signedCode(fien, 125)), false);
            assertEquals(200, answer.status(), answer.body().toString());
            assertEquals("APPROVED", answer.body().get("payment").get("status").asText(), device);
            assertEquals(payment.get("id").asText(), answer.body().get("payment").get("id").asText());
        }
        createPayment("1.50");
        assertEquals("APPROVED", pay("fien", "photo", null).get("status").asText());
        createPayment("1.75");
        assertEquals("APPROVED", pay("fien", "qr", null).get("status").asText());
    }

    @Test
    void theCancelButtonCancelsTheWaitingPaymentAndTheOfflineLightFollowsTheNetwork() throws Exception {
        JsonNode payment = createPayment("2.00");
        assertEquals(200, simulator.postBytes(simulator.control + "/sim/button/cancel", "application/json",
                new byte[0]).status());
        // A button press reaches the desk through Pi4J's listener, on its own time: wait for it.
        await(() -> simulator.get(simulator.api + "/api/v1/payments/" + payment.get("id").asText(), true).body(),
                p -> "CANCELLED".equals(p.get("status").asText()), "the payment cancelled by the button");
        assertEquals(404, simulator.postBytes(simulator.control + "/sim/button/self-destruct", "application/json",
                new byte[0]).status());

        simulator.postJson(simulator.control + "/sim/network", Map.of("online", false), false);
        try {
            awaitIndicators(leds -> leds.get("yellow").asBoolean(), "yellow while offline");
        } finally {
            simulator.postJson(simulator.control + "/sim/network", Map.of("online", true), false);
        }
        awaitIndicators(leds -> !leds.get("yellow").asBoolean(), "yellow off once online again");
    }

    @Test
    void aWebPageCannotTapACardOrPressAButton() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> formPost = http.send(HttpRequest.newBuilder(URI.create(simulator.control + "/sim/card"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"privateKey\":\"0x" + "11".repeat(32) + "\"}",
                        StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, formPost.statusCode());
        HttpResponse<String> fromAPage = http.send(HttpRequest.newBuilder(
                        URI.create(simulator.control + "/sim/button/cancel"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, fromAPage.statusCode());
    }

    private static JsonNode citizen(String name, String balance) throws Exception {
        var created = simulator.postJson(simulator.control + "/sim/citizen",
                Map.of("name", name, "balance", balance, "pin", "1234", "noPinLimit", "25.00"), false);
        assertEquals(201, created.status(), created.body().toString());
        return created.body();
    }

    private static JsonNode pay(String name, String by, String pin) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("by", by);
        body.put("pin", pin);
        var answer = simulator.postJson(simulator.control + "/sim/citizen/" + name + "/pay", body, false);
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body().get("payment");
    }

    /** A code the citizen's wallet signs for this merchant (our signer: the QR path has its ethers test elsewhere). */
    private static String signedCode(JsonNode citizen, long units) {
        ECKeyPair key = ECKeyPair.create(Numeric.toBigInt(citizen.get("privateKey").asText()));
        Token token = new Token("HEIT", chain.get("chainId")
                .asLong(), Address.parse(chain.get("token").asText()), chain.get("tokenName").asText(),
                chain.get("tokenVersion").asText(), chain.get("decimals").asInt());
        return PaymentQrCodec.encode(DevWallet.of(key).authorize(token, Address.parse(chain.get("merchant").asText()),
                units, Instant.now().plus(Duration.ofDays(2)).getEpochSecond()));
    }

    private static JsonNode createPayment(String amount) throws Exception {
        var created = simulator.postJson(simulator.api + "/api/v1/payments",
                Map.of("amount", amount, "reference", "till-devices-" + (++references)), true);
        assertEquals(201, created.status(), created.body().toString());
        return created.body();
    }

    private static JsonNode health() throws Exception {
        return simulator.get(simulator.api + "/api/v1/health", true).body();
    }

    private static int beepsSoFar() throws Exception {
        return simulator.get(simulator.control + "/sim/indicators", false).body().get("beeps").size();
    }

    /** The first pattern of that name the buzzer finished after the first {@code before} beeps. */
    private static JsonNode awaitBeep(int before, String pattern) throws Exception {
        JsonNode beeps = await(() -> simulator.get(simulator.control + "/sim/indicators", false).body(),
                indicators -> find(indicators.get("beeps"), before, pattern) != null,
                "a beep \"" + pattern + "\" after the first " + before).get("beeps");
        return find(beeps, before, pattern);
    }

    private static JsonNode find(JsonNode beeps, int from, String pattern) {
        for (int i = from; i < beeps.size(); i++) {
            if (beeps.get(i).get("pattern").asText().equalsIgnoreCase(pattern)) {
                return beeps.get(i);
            }
        }
        return null;
    }

    private static JsonNode awaitHealth(Predicate<JsonNode> condition, String what) throws Exception {
        return await(() -> health(), condition, what);
    }

    private static JsonNode awaitIndicators(Predicate<JsonNode> leds, String what) throws Exception {
        return await(() -> simulator.get(simulator.control + "/sim/indicators", false).body(),
                indicators -> leds.test(indicators.get("leds")), what);
    }

    private static JsonNode awaitSettlement(String paymentId) throws Exception {
        return await(() -> simulator.get(simulator.api + "/api/v1/payments/" + paymentId, true).body(),
                payment -> "SETTLED".equals(payment.get("settlement").asText()), "payment " + paymentId + " settled");
    }

    @FunctionalInterface
    private interface Read {
        JsonNode read() throws Exception;
    }

    private static JsonNode await(Read read, Predicate<JsonNode> condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode last;
        do {
            last = read.read();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not " + what + " within " + DEADLINE.toSeconds() + " s: " + last);
    }
}
