// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * {@code simulator/run --chain-rpc URL --data-dir DIR}: a chain that is already running, contracts deployed once and
 * recorded in DIR, every later start reusing them with the same till API token and journal; and the starts it must
 * refuse, in one line with exit status 2.
 */
class SimulatorOnARunningChainIT {
    /** For conditions awaited, never an expected duration: a loaded two-core machine can be slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    @TempDir
    Path dataDir;

    @Test
    void deploysOnceAndEveryRestartReusesTheContractsTheTokenAndTheJournal() throws Exception {
        try (Anvil node = Anvil.start(EthersSigner.chainDir())) {
            Web3j rpc = Web3j.build(new HttpService(node.rpcUrl()));
            try {
                String paymentId;
                JsonNode first;
                String apiToken;
                try (SimulatorProcess simulator = start(node)) {
                    first = simulator.get(simulator.control + "/sim/chain", false).body();
                    assertEquals(node.rpcUrl(), first.get("rpcUrl").asText());
                    JsonNode record = new ObjectMapper().readTree(dataDir.resolve(Simulator.CHAIN_RECORD).toFile());
                    assertEquals(first.get("token").asText(), record.get("token").asText());
                    assertEquals(first.get("batcher").asText(), record.get("batcher").asText());
                    assertEquals(LocalChain.CHAIN_ID, record.get("chainId").asLong());
                    for (JsonNode purse : first.get("purses")) {
                        if (purse.get("chainId").asLong() == LocalChain.CHAIN_ID) {
                            assertEquals(purse.get("token").asText(), record.get("tokens").get(purse.get("symbol")
                                    .asText()).get("contract").asText(), "every purse on the attached chain recorded");
                        }
                    }
                    apiToken = simulator.token;
                    paymentId = payAndAwaitSettlement(simulator, first);
                }
                // The chain outlives a simulator that only used it.
                long head = rpc.ethBlockNumber().send().getBlockNumber().longValueExact();

                try (SimulatorProcess again = start(node)) {
                    JsonNode second = again.get(again.control + "/sim/chain", false).body();
                    // The second chain is the simulator's own on every start: a new node, so another URL.
                    assertEquals(withoutSecondChainsNode(first), withoutSecondChainsNode(second),
                            "the same contracts, not a second deployment");
                    assertEquals(head, rpc.ethBlockNumber().send().getBlockNumber().longValueExact(),
                            "a restart sends no transaction: nothing is deployed again");
                    assertEquals(apiToken, again.token, "the till keeps its API token across restarts");
                    JsonNode payment = again.get(again.api + "/api/v1/payments/" + paymentId, true).body();
                    assertEquals("SETTLED", payment.get("settlement").asText(), "the journal is kept: " + payment);
                }
            } finally {
                rpc.shutdown();
            }
        }
        // A new anvil is another chain behind what may well be the same URL: the record in DIR does not fit it.
        try (Anvil other = Anvil.start(EthersSigner.chainDir())) {
            Refusal refusal = refusal(other.rpcUrl());
            assertEquals(2, refusal.exitCode(), refusal.output());
            assertTrue(refusal.output().contains("another chain"), refusal.output());
        }
    }

    @Test
    void refusesAChainThatIsNotTheDevChainInOneLineWithStatus2() throws Exception {
        try (Anvil mainnetLookAlike = Anvil.startWithChainId(EthersSigner.chainDir(), 1)) {
            Refusal refusal = refusal(mainnetLookAlike.rpcUrl());
            assertEquals(2, refusal.exitCode(), refusal.output());
            assertEquals(1, refusal.output().strip().lines().count(), refusal.output());
            assertTrue(refusal.output().startsWith("simulator: the chain at " + mainnetLookAlike.rpcUrl()
                    + " has chain id 1, not the dev chain's 31337"), refusal.output());
            assertTrue(Files.notExists(dataDir.resolve(Simulator.CHAIN_RECORD)), "nothing recorded for a refused chain");
        }
        // Refused before any connection is tried: the switch relays plain http on this machine only.
        Refusal tls = refusal("https://127.0.0.1:8545");
        assertEquals(2, tls.exitCode(), tls.output());
        assertTrue(tls.output().startsWith("simulator: --chain-rpc must be http://127.0.0.1:<port>"), tls.output());
    }

    private static JsonNode withoutSecondChainsNode(JsonNode chain) {
        JsonNode copy = chain.deepCopy();
        copy.get("purses").forEach(purse -> {
            if (purse.get("chainId").asLong() != LocalChain.CHAIN_ID) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) purse).remove("rpcUrl");
            }
        });
        return copy;
    }

    private SimulatorProcess start(Anvil node) throws Exception {
        return SimulatorProcess.start("-Xmx64m", dataDir, List.of("--chain-rpc", node.rpcUrl()),
                Files.createTempFile("simulator-", ".log"));
    }

    private static String payAndAwaitSettlement(SimulatorProcess simulator, JsonNode chain) throws Exception {
        DevWallet citizen = DevWallet.create();
        simulator.postJson(simulator.control + "/sim/chain/fund",
                Map.of("address", citizen.address().hex(), "amount", "5.00"), false);
        var created = simulator.postJson(simulator.api + "/api/v1/payments",
                Map.of("amount", "1.25", "reference", "restart-1"), true);
        assertEquals(201, created.status(), created.body().toString());
        String code = PaymentQrCodec.encode(citizen.authorize(LocalChain.heitjeAt(chain.get("token").asText()),
                Address.parse(chain.get("merchant").asText()), 125, Instant.now().plus(Duration.ofDays(2)).getEpochSecond()));
        var answer = simulator.postBytes(simulator.control + "/sim/qr", "text/plain", code.getBytes(StandardCharsets.UTF_8));
        assertEquals("APPROVED", answer.body().get("payment").get("status").asText(), answer.body().toString());
        String id = created.body().get("id").asText();
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode payment;
        do {
            payment = simulator.get(simulator.api + "/api/v1/payments/" + id, true).body();
            if ("SETTLED".equals(payment.path("settlement").asText())) {
                return id;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not settled within " + DEADLINE.toSeconds() + " s: " + payment);
    }

    private record Refusal(int exitCode, String output) {
    }

    /** {@code simulator/run} with a chain it must refuse: it exits by itself, printing why. */
    private Refusal refusal(String rpcUrl) throws Exception {
        Path run = Path.of(System.getProperty("simulator.home", ".")).resolve("run").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(run.toString(), "--headless", "--control-port", "0",
                "--data-dir", dataDir.toString(), "--chain-rpc", rpcUrl));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("simulator/run did not exit by itself: " + output);
        }
        return new Refusal(process.exitValue(), output);
    }
}
