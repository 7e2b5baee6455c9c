// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * Several purses, end to end: {@code simulator/run} in its own JVM with both anvils, a bar taking the Heitje, the
 * vitality and energy purses (their rules signed by their issuers) and another city's token on a second chain.
 * Codes go through the real keyboard-wedge decoder; the money is read back from each token on its own chain.
 */
class PursesEndToEndIT {
    /** For conditions awaited, never a measured duration: settlement on a loaded two-core machine can be slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final AtomicInteger CITIZENS = new AtomicInteger();
    @TempDir
    static Path dataDir;
    private static SimulatorProcess simulator;
    private static Map<String, JsonNode> purses;
    private static String merchant;

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = SimulatorProcess.start("-Xmx96m", dataDir);
        JsonNode chain = simulator.get(simulator.control + "/sim/chain", false).body();
        merchant = chain.get("merchant").asText();
        purses = new HashMap<>();
        chain.get("purses").forEach(purse -> purses.put(purse.get("symbol").asText(), purse));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Test
    void aBasketOfEnergySavingGoodsAndSnacksIsPaidWithEnergyCreditsAndHeitjesEachSettledOnItsOwnToken()
            throws Exception {
        Citizen citizen = citizen(Map.of("HEIT", "20.00", "ENERGY", "10.00"));
        String address = citizen.address();
        BigInteger merchantEnergy = balanceOf("ENERGY", merchant);
        BigInteger merchantHeit = balanceOf("HEIT", merchant);
        List<Map<String, String>> basket = List.of(Map.of("category", "energy-saving", "amount", "6.00"),
                Map.of("category", "food", "amount", "4.00"));

        JsonNode sale = createPayment(Map.of("amount", "10.00", "reference", "till-mixed", "basket", basket), 201);
        assertEquals("6.00", sale.get("eligible").get("ENERGY").asText(), sale.toString());
        assertEquals("10.00", sale.get("eligible").get("HEIT").asText());
        assertFalse(sale.get("eligible").has("VITA"), "a bar may not take the vitality purse: " + sale);

        JsonNode energy = pay(citizen, "ENERGY");
        assertEquals("APPROVED", energy.get("status").asText(), energy.toString());
        assertEquals("6.00", energy.get("amount").asText());
        assertEquals("4.00", energy.get("remaining").asText());
        assertEquals("ENERGY", energy.get("purse").asText());

        JsonNode rest = createPayment(Map.of("amount", "4.00", "reference", "till-mixed",
                "basket", List.of(Map.of("category", "food", "amount", "4.00"))), 201);
        assertEquals("0.00", rest.get("eligible").get("ENERGY").asText(), rest.toString());
        JsonNode heitjes = pay(citizen, "HEIT");
        assertEquals("APPROVED", heitjes.get("status").asText(), heitjes.toString());
        assertEquals("0.00", heitjes.get("remaining").asText());

        JsonNode energySettled = awaitSettled(energy.get("id").asText());
        JsonNode heitSettled = awaitSettled(heitjes.get("id").asText());
        // Both purses live on the first chain, so one batch may well carry both: each is its own token's transfer.
        assertTrue(energySettled.get("txHash").asText().startsWith("0x"));
        assertTrue(heitSettled.get("txHash").asText().startsWith("0x"));
        assertEquals(BigInteger.valueOf(4_00), balanceOf("ENERGY", address));
        assertEquals(BigInteger.valueOf(16_00), balanceOf("HEIT", address));
        assertEquals(merchantEnergy.add(BigInteger.valueOf(6_00)), balanceOf("ENERGY", merchant));
        assertEquals(merchantHeit.add(BigInteger.valueOf(4_00)), balanceOf("HEIT", merchant));
    }

    @Test
    void aVitalityCodeIsRefusedAtABarWithTheIssuersRule() throws Exception {
        Citizen citizen = citizen(Map.of("VITA", "10.00"));
        createPayment(Map.of("amount", "4.50", "reference", "till-vitality"), 201);

        JsonNode declined = pay(citizen, "VITA");

        assertEquals("DECLINED", declined.get("status").asText(), declined.toString());
        assertEquals("TOKEN_NOT_ACCEPTED", declined.get("declineCode").asText());
        assertEquals("VITA may be spent only at merchants of category sport, wellbeing; this merchant is of category"
                + " horeca", declined.get("declineReason").asText());
        assertEquals(BigInteger.valueOf(10_00), balanceOf("VITA", citizen.address()));
        var refused = simulator.postJson(simulator.api + "/api/v1/payments",
                Map.of("amount", "4.50", "reference", "till-vitality-only", "purses", List.of("VITA")), true);
        assertEquals(422, refused.status(), refused.body().toString());
        assertEquals("NO_ELIGIBLE_PURSE", refused.body().get("error").asText());
    }

    @Test
    void aPurseOnTheSecondChainSettlesThereWhileTheFirstChainIsCut() throws Exception {
        Citizen citizen = citizen(Map.of("MSTR", "20.00"));
        long firstChain = purses.get("HEIT").get("chainId").asLong();
        BigInteger merchantBefore = balanceOf("MSTR", merchant);
        simulator.postJson(simulator.control + "/sim/network", Map.of("online", false, "chainId", firstChain), false);
        try {
            createPayment(Map.of("amount", "5.00", "reference", "till-other-city", "purses", List.of("MSTR")), 201);
            JsonNode approved = pay(citizen, "MSTR");

            assertEquals("APPROVED", approved.get("status").asText(), approved.toString());
            assertFalse(approved.get("offline").asBoolean(), "its own chain answered");
            awaitSettled(approved.get("id").asText());
            assertEquals(BigInteger.valueOf(15_000_000), balanceOf("MSTR", citizen.address()));
            assertEquals(merchantBefore.add(BigInteger.valueOf(5_000_000)), balanceOf("MSTR", merchant));
            JsonNode health = simulator.get(simulator.api + "/api/v1/health", true).body();
            assertFalse(health.get("online").asBoolean(), "the first chain is still cut: " + health);
        } finally {
            simulator.postJson(simulator.control + "/sim/network", Map.of("online", true, "chainId", firstChain), false);
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    /** A citizen of the simulator, funded in these purses; their name, for paying, and their address. */
    private record Citizen(String name, String address) {
    }

    private static Citizen citizen(Map<String, String> balances) throws Exception {
        String name = "citizen-" + CITIZENS.incrementAndGet();
        Map<String, String> others = new HashMap<>(balances);
        String heitjes = others.containsKey("HEIT") ? others.remove("HEIT") : "0";
        var created = simulator.postJson(simulator.control + "/sim/citizen", Map.of("name", name, "balance", heitjes,
                "pin", "1234", "noPinLimit", "25.00", "balances", others), false);
        assertEquals(201, created.status(), created.body().toString());
        return new Citizen(name, created.body().get("address").asText());
    }

    private static JsonNode createPayment(Map<String, Object> request, int status) throws Exception {
        var created = simulator.postJson(simulator.api + "/api/v1/payments", request, true);
        assertEquals(status, created.status(), created.body().toString());
        return created.body();
    }

    private static JsonNode pay(Citizen citizen, String purse) throws Exception {
        var answer = simulator.postJson(simulator.control + "/sim/citizen/" + citizen.name() + "/pay",
                Map.of("by", "qr", "purse", purse), false);
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body().get("payment");
    }

    private static JsonNode awaitSettled(String paymentId) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode payment;
        do {
            payment = simulator.get(simulator.api + "/api/v1/payments/" + paymentId, true).body();
            if ("SETTLED".equals(payment.get("settlement").asText())) {
                return payment;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("payment " + paymentId + " not settled within " + DEADLINE.toSeconds() + " s: "
                + payment);
    }

    /** Read from the purse's own chain, straight from its node (not through the terminal's network switch). */
    private static BigInteger balanceOf(String symbol, String holder) throws IOException {
        JsonNode purse = purses.get(symbol);
        Web3j rpc = Web3j.build(new HttpService(purse.get("rpcUrl").asText()));
        try {
            String data = FunctionEncoder.encode(new Function("balanceOf", List.of(new Address(holder)), List.of()));
            return Numeric.toBigInt(rpc.ethCall(Transaction.createEthCallTransaction(null,
                    purse.get("token").asText(), data), DefaultBlockParameterName.LATEST).send().getValue());
        } finally {
            rpc.shutdown();
        }
    }
}
