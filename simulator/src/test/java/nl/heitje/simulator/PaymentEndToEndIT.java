// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.domain.Hex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The whole product, as a developer or CI meets it: {@code simulator/run} in its own JVM capped at 64 MB of heap,
 * a real anvil, authorizations signed by ethers, QR codes as PNG images, settlement on chain.
 */
class PaymentEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** For conditions awaited, never a measured duration: settlement on a loaded two-core machine can be slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    @TempDir
    static Path dataDir;
    private static SimulatorProcess simulator;
    private static JsonNode chain;
    private static Web3j rpc;
    /** Reported lost before the terminal started: on the municipality's list from the first payment on. */
    private static Citizen lostCard;

    @BeforeAll
    static void startSimulator() throws Exception {
        lostCard = Citizen.create();
        // The way a list reaches a terminal that has never been online: copied into its data directory. The terminal
        // trusts the signature, not the copy; the simulator re-signs it with the next sequence when it starts.
        java.nio.file.Files.write(dataDir.resolve(TerminalConfig.DENY_LIST_FILE), DenyListIssuer.municipality()
                .issue(1, Instant.now(), java.util.List.of(nl.heitje.terminal.domain.Address.parse(lostCard.address))));
        simulator = SimulatorProcess.start("-Xmx64m", dataDir);
        chain = simulator.get(simulator.control + "/sim/chain", false).body();
        rpc = Web3j.build(new HttpService(chain.get("rpcUrl").asText()));
    }

    @AfterAll
    static void stopSimulator() throws Exception {
        simulator.close();
        // SIGTERM must take anvil down with the simulator: nothing it started may outlive it. close() waited for the
        // simulator's exit; should it have needed SIGKILL on a busy machine, the watchdog stops anvil just after.
        Instant deadline = Instant.now().plus(DEADLINE);
        boolean chainGone = false;
        while (!chainGone && Instant.now().isBefore(deadline)) {
            try {
                rpc.ethBlockNumber().send();
                Thread.sleep(100);
            } catch (IOException refused) {
                chainGone = true;
            }
        }
        rpc.shutdown();
        assertTrue(chainGone, "anvil still answers after its simulator was stopped");
    }

    @Test
    void citizenPaysWithAQrImageSignedByEthersAndTheChainShowsBothBalances() throws Exception {
        Citizen citizen = Citizen.create();
        BigInteger merchantBefore = balanceOf(chain.get("merchant").asText());
        assertEquals("20.00", simulator.postJson(simulator.control + "/sim/chain/fund",
                Map.of("address", citizen.address, "amount", "20.00"), false).body().get("balance").asText());

        JsonNode payment = createPayment("4.50", "till-e2e-1");
        JsonNode answer = showQrImage(citizen.sign(chain, "450", Instant.now().plus(Duration.ofDays(2))));

        assertEquals("APPROVED", answer.get("payment").get("status").asText(), answer.toString());
        assertEquals(payment.get("id").asText(), answer.get("payment").get("id").asText());
        assertEquals(citizen.address, answer.get("payment").get("payer").asText());
        JsonNode settled = awaitSettlement(payment.get("id").asText(), "SETTLED");
        assertTrue(settled.get("txHash").asText().startsWith("0x"));
        assertEquals(BigInteger.valueOf(1550), balanceOf(citizen.address));
        assertEquals(merchantBefore.add(BigInteger.valueOf(450)), balanceOf(chain.get("merchant").asText()));
    }

    @Test
    void anOfflineApprovalSettlesWhenTheNetworkReturns() throws Exception {
        Citizen citizen = Citizen.create();
        simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address, "amount", "10.00"), false);
        simulator.postJson(simulator.control + "/sim/network", Map.of("online", false), false);
        try {
            JsonNode payment = createPayment("2.25", "till-e2e-offline");
            JsonNode answer = showQrText(citizen.sign(chain, "225", Instant.now().plus(Duration.ofDays(2))));
            assertEquals("APPROVED", answer.get("payment").get("status").asText(), answer.toString());
            assertTrue(answer.get("payment").get("offline").asBoolean());
            assertEquals("PENDING", simulator.get(simulator.api + "/api/v1/payments/" + payment.get("id").asText(), true)
                    .body().get("settlement").asText());
            assertEquals(BigInteger.valueOf(1000), balanceOf(citizen.address), "nothing may reach the chain while offline");
        } finally {
            simulator.postJson(simulator.control + "/sim/network", Map.of("online", true), false);
        }
        awaitSettlement(lastPaymentId(), "SETTLED");
        assertEquals(BigInteger.valueOf(775), balanceOf(citizen.address));
    }

    @Test
    void theSameQrShownTwiceIsDeclinedReplayedAndChargedOnce() throws Exception {
        Citizen citizen = Citizen.create();
        simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address, "amount", "5.00"), false);
        String code = citizen.sign(chain, "100", Instant.now().plus(Duration.ofDays(2)));
        createPayment("1.00", "till-e2e-replay-1");
        assertEquals("APPROVED", showQrText(code).get("payment").get("status").asText());
        createPayment("1.00", "till-e2e-replay-2");
        JsonNode second = showQrText(code).get("payment");
        assertEquals("DECLINED", second.get("status").asText());
        assertEquals("REPLAYED", second.get("declineCode").asText());
    }

    @Test
    void aQrForAnotherAmountIsDeclinedAndGarbageIsRefusedWithoutHarm() throws Exception {
        Citizen citizen = Citizen.create();
        simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address, "amount", "5.00"), false);
        createPayment("3.00", "till-e2e-mismatch");
        JsonNode declined = showQrText(citizen.sign(chain, "299", Instant.now().plus(Duration.ofDays(2)))).get("payment");
        assertEquals("AMOUNT_MISMATCH", declined.get("declineCode").asText());

        var blankPhoto = new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream photo = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(blankPhoto, "jpeg", photo);
        assertEquals(422, simulator.postBytes(simulator.control + "/sim/qr", "image/jpeg", photo.toByteArray()).status());
        assertEquals(422, simulator.postBytes(simulator.control + "/sim/qr", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})
                .status());
        createPayment("3.00", "till-e2e-garbage");
        JsonNode malformed = showQrText("HTJ1:this is not base45 at all").get("payment");
        assertEquals("MALFORMED", malformed.get("declineCode").asText());
        assertEquals("UP", simulator.get(simulator.api + "/api/v1/health", false).body().get("status").asText());
    }

    @Test
    void theServiceDeclinesDeniedPoorAndStaleCodesByTheirSpecNames() throws Exception {
        Citizen denied = lostCard;
        Citizen poor = Citizen.create();
        for (Citizen citizen : new Citizen[] {denied, poor}) {
            simulator.postJson(simulator.control + "/sim/chain/fund", Map.of("address", citizen.address, "amount", "1.00"), false);
        }
        Instant twoDays = Instant.now().plus(Duration.ofDays(2));

        createPayment("0.50", "till-e2e-denied");
        assertEquals("DENIED", showQrText(denied.sign(chain, "50", twoDays)).get("payment").get("declineCode").asText());
        createPayment("2.00", "till-e2e-poor");
        assertEquals("INSUFFICIENT_FUNDS",
                showQrText(poor.sign(chain, "200", twoDays)).get("payment").get("declineCode").asText());
        createPayment("0.50", "till-e2e-stale");
        // Valid for five more minutes: less than the terminal may need to settle it.
        assertEquals("EXPIRED", showQrText(poor.sign(chain, "50", Instant.now().plus(Duration.ofMinutes(5))))
                .get("payment").get("declineCode").asText());
    }

    @Test
    void theTillApiRefusesAMissingTokenAndNeverAnswers5xxForBadInput() throws Exception {
        assertEquals(401, simulator.postJson(simulator.api + "/api/v1/payments",
                Map.of("amount", "1.00", "reference", "x"), false).status());
        var bad = simulator.postBytes(simulator.api + "/api/v1/payments", "application/json",
                "{\"amount\":".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, bad.status(), "authentication comes before parsing");
        var floatAmount = simulator.postJson(simulator.api + "/api/v1/payments", Map.of("amount", 4.5, "reference", "float"), true);
        assertEquals(400, floatAmount.status(), "amounts are decimal strings, never JSON numbers");
        assertEquals("BAD_REQUEST", floatAmount.body().get("error").asText());
    }

    private static JsonNode createPayment(String amount, String reference) throws Exception {
        var created = simulator.postJson(simulator.api + "/api/v1/payments", Map.of("amount", amount, "reference", reference), true);
        assertEquals(201, created.status(), created.body().toString());
        assertEquals("WAITING", created.body().get("status").asText());
        return created.body();
    }

    private static String lastPaymentId() throws Exception {
        return simulator.get(simulator.api + "/api/v1/payments", true).body().get("payments").get(0).get("id").asText();
    }

    private static JsonNode showQrImage(String text) throws Exception {
        var answer = simulator.postBytes(simulator.control + "/sim/qr", "image/png", png(text, 480));
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body();
    }

    private static JsonNode showQrText(String text) throws Exception {
        var answer = simulator.postBytes(simulator.control + "/sim/qr", "text/plain", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body();
    }

    private static JsonNode awaitSettlement(String paymentId, String expected) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode payment;
        do {
            payment = simulator.get(simulator.api + "/api/v1/payments/" + paymentId, true).body();
            if (expected.equals(payment.get("settlement").asText())) {
                return payment;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("payment " + paymentId + " not " + expected + " within " + DEADLINE.toSeconds() + " s: "
                + payment);
    }

    private static BigInteger balanceOf(String address) throws IOException {
        String data = FunctionEncoder.encode(new Function("balanceOf", java.util.List.of(new Address(address)), java.util.List.of()));
        return Numeric.toBigInt(rpc.ethCall(Transaction.createEthCallTransaction(null, chain.get("token").asText(), data),
                DefaultBlockParameterName.LATEST).send().getValue());
    }

    static byte[] png(String text, int size) throws Exception {
        var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MatrixToImageWriter.writeToStream(matrix, "png", out);
        return out.toByteArray();
    }

    /** A citizen with a fresh key, who signs with ethers, never with our code. */
    record Citizen(String privateKey, String address) {
        static Citizen create() throws Exception {
            ECKeyPair key = Keys.createEcKeyPair();
            return new Citizen(Numeric.toHexStringWithPrefixZeroPadded(key.getPrivateKey(), 64),
                    "0x" + Keys.getAddress(key.getPublicKey()));
        }

        String sign(JsonNode chain, String units, Instant validBefore) throws Exception {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            ObjectNode request = JSON.createObjectNode()
                    .put("privateKey", privateKey)
                    .put("chainId", chain.get("chainId").asLong())
                    .put("token", chain.get("token").asText())
                    .put("tokenName", chain.get("tokenName").asText())
                    .put("tokenVersion", chain.get("tokenVersion").asText())
                    .put("to", chain.get("merchant").asText())
                    .put("value", units)
                    .put("validAfter", "0")
                    .put("validBefore", Long.toString(validBefore.getEpochSecond()))
                    .put("nonce", Hex.encode(nonce));
            return EthersSigner.sign(request).get("htj1").asText();
        }
    }
}
