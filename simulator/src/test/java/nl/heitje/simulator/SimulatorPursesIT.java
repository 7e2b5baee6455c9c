// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import nl.heitje.config.TerminalConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's purses on its two real anvils: four tokens, two chains with a network switch each, funded and
 * read back per purse, and one chain cut while the other keeps answering.
 */
class SimulatorPursesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    @TempDir
    static Path dataDir;
    private static Simulator simulator;
    private static String control;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(new Simulator.Options(EthersSigner.chainDir(), dataDir, 0, 0, 600_000, Map.of()));
        control = "http://127.0.0.1:" + simulator.controlPort();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void listsFourPursesOnTwoChainsWithTheirDecimalsAndRules() throws Exception {
        JsonNode chain = get("/sim/chain").body();

        JsonNode purses = chain.get("purses");
        assertEquals(List.of("HEIT", "VITA", "ENERGY", "MSTR"), texts(purses, "symbol"));
        assertEquals(List.of("31337", "31337", "31337", "31338"), texts(purses, "chainId"));
        assertEquals(List.of("2", "2", "2", "6"), texts(purses, "decimals"));
        assertEquals(List.of("Heerlens Heitje", "Heerlen Vitaal", "Heerlen Energie", "Mestreechter Sjtuver"),
                texts(purses, "tokenName"));
        assertTrue(purses.get(0).get("rules").get("merchantCategories").isNull());
        assertTrue(purses.get(0).get("rules").get("productCategories").isNull());
        assertEquals(JSON.readTree("{\"merchantCategories\":[\"sport\",\"wellbeing\"],\"productCategories\":null}"),
                purses.get(1).get("rules"));
        assertEquals(JSON.readTree("{\"merchantCategories\":null,\"productCategories\":[\"energy-saving\"]}"),
                purses.get(2).get("rules"));
        // One batch contract per chain, and each chain's own node.
        assertEquals(purses.get(0).get("batcher"), purses.get(2).get("batcher"));
        assertFalse(purses.get(0).get("rpcUrl").equals(purses.get(3).get("rpcUrl")));
        // The top level is the first purse's, as a client that knows one token reads it.
        assertEquals(purses.get(0).get("token"), chain.get("token"));
        assertEquals(31337, chain.get("chainId").asLong());
        assertEquals("horeca", chain.get("merchantCategory").asText());
        assertEquals(LocalChain.MERCHANT.getAddress(), chain.get("merchant").asText());
    }

    @Test
    void fundsACitizenInEveryPurseAndEachChainHoldsItInThePursesOwnUnits() throws Exception {
        Answer created = post("/sim/citizen", Map.of("name", "dora", "balance", "5.00",
                "balances", Map.of("VITA", "10.00", "ENERGY", "3.25", "MSTR", "7.50")));
        assertEquals(201, created.status(), created.body().toString());
        String dora = created.body().get("address").asText();

        assertEquals(BigInteger.valueOf(5_00), balance("HEIT", dora));
        assertEquals(BigInteger.valueOf(10_00), balance("VITA", dora));
        assertEquals(BigInteger.valueOf(3_25), balance("ENERGY", dora));
        assertEquals(BigInteger.valueOf(7_500_000), balance("MSTR", dora));

        Answer funded = post("/sim/chain/fund", Map.of("address", dora, "amount", "1.234567", "purse", "MSTR"));
        assertEquals(200, funded.status(), funded.body().toString());
        assertEquals("8.734567", funded.body().get("balance").asText());
        assertEquals(BigInteger.valueOf(8_734_567), balance("MSTR", dora));
        // Without a purse, the first: HEIT, in its two decimals.
        Answer heit = post("/sim/chain/fund", Map.of("address", dora, "amount", "1.00"));
        assertEquals("6.00", heit.body().get("balance").asText());
    }

    @Test
    void refusesAPurseItDoesNotHaveAndAnAmountFinerThanThePurse() throws Exception {
        String someone = DevWallet.create().address().hex();
        Answer unknown = post("/sim/chain/fund", Map.of("address", someone, "amount", "1.00", "purse", "EUR"));
        assertEquals(400, unknown.status());
        assertEquals("UNKNOWN_PURSE", unknown.body().get("error").asText(), unknown.body().toString());
        Answer tooFine = post("/sim/chain/fund", Map.of("address", someone, "amount", "1.001", "purse", "VITA"));
        assertEquals(400, tooFine.status(), tooFine.body().toString());

        Answer citizen = post("/sim/citizen", Map.of("name", "erik", "balances", Map.of("EUR", "1.00")));
        assertEquals(400, citizen.status(), citizen.body().toString());
        // Refused before anything happened: the name is still free.
        assertEquals(201, post("/sim/citizen", Map.of("name", "erik")).status());
        Answer pay = post("/sim/citizen/erik/pay", Map.of("purse", "EUR"));
        assertEquals("UNKNOWN_PURSE", pay.body().get("error").asText(), pay.body().toString());
    }

    @Test
    void cuttingOneChainLeavesTheOtherAnswering() throws Exception {
        NetworkSwitch first = simulator.chains().network(31337).orElseThrow();
        NetworkSwitch second = simulator.chains().network(31338).orElseThrow();
        try {
            Answer cut = post("/sim/network", Map.of("online", false, "chainId", 31337));
            assertEquals(200, cut.status(), cut.body().toString());
            assertFalse(cut.body().get("online").asBoolean());
            assertEquals(JSON.readTree("[{\"chainId\":31337,\"online\":false},{\"chainId\":31338,\"online\":true}]"),
                    cut.body().get("chains"));
            assertFalse(get("/sim/network").body().get("online").asBoolean(), "not every chain is reachable");

            assertThrows(IOException.class, () -> chainIdThrough(first));
            assertEquals(31338, chainIdThrough(second), "the second chain answers through its switch");
            // What the terminal does not reach is still the simulator's to fund: a purse on the cut chain too.
            String someone = DevWallet.create().address().hex();
            assertEquals(200, post("/sim/chain/fund", Map.of("address", someone, "amount", "2.00", "purse", "MSTR"))
                    .status());

            assertEquals(404, post("/sim/network", Map.of("online", false, "chainId", 1)).status());
        } finally {
            assertEquals(200, post("/sim/network", Map.of("online", true)).status());
        }
        assertEquals(31337, chainIdThrough(first));
        assertTrue(get("/sim/network").body().get("online").asBoolean());
    }

    @Test
    void theTerminalIsToldOfEveryPurseOnBothChainsAndTheIssuersOfThoseWithRules() throws Exception {
        Properties written = new Properties();
        try (var reader = Files.newBufferedReader(dataDir.resolve(Simulator.CONFIG_FILE), StandardCharsets.UTF_8)) {
            written.load(reader);
        }
        assertEquals("HEIT,VITA,ENERGY,MSTR", written.getProperty("tokens"));
        assertEquals("horeca", written.getProperty("merchant.category"));
        assertEquals("Heerlen Vitaal", written.getProperty("token.VITA.name"));
        assertTrue(written.containsKey("chain.31338.rpcUrl"));
        assertEquals(List.of("token.ENERGY.issuer", "token.VITA.issuer"), written.stringPropertyNames().stream()
                .filter(key -> key.matches("token\\..*\\.issuer")).sorted().toList(),
                "only the purses with rules have an issuer");
        assertTrue(Long.parseLong(written.getProperty("token.ENERGY.deployBlock"))
                > Long.parseLong(written.getProperty("token.HEIT.deployBlock")));

        Path withoutSecond = Files.createTempDirectory(dataDir, "first-only-");
        Simulator.terminalSettings(simulator.chains(), new Simulator.Options(EthersSigner.chainDir(), withoutSecond, 0,
                        0, 600_000, Map.of(), Optional.empty(), "sport", false), Map.of())
                .write(withoutSecond.resolve(Simulator.CONFIG_FILE), "test");
        assertEquals(List.of("HEIT", "VITA", "ENERGY"), TerminalConfig.load(withoutSecond.resolve(Simulator.CONFIG_FILE))
                .tokens().stream().map(TerminalConfig.TokenSettings::symbol).toList());

        Path withSecond = Files.createTempDirectory(dataDir, "second-");
        Simulator.terminalSettings(simulator.chains(), new Simulator.Options(EthersSigner.chainDir(), withSecond, 0, 0,
                        600_000, Map.of(), Optional.empty(), "sport", true), Map.of())
                .write(withSecond.resolve(Simulator.CONFIG_FILE), "test");
        TerminalConfig config = TerminalConfig.load(withSecond.resolve(Simulator.CONFIG_FILE));

        assertEquals(List.of("HEIT", "VITA", "ENERGY", "MSTR"),
                config.tokens().stream().map(TerminalConfig.TokenSettings::symbol).toList());
        TerminalConfig.TokenSettings mstr = config.tokens().get(3);
        assertEquals(31338, mstr.chainId());
        assertEquals(6, mstr.decimals());
        var endpoint = config.chain().endpoint(31338);
        assertEquals(URI.create("http://127.0.0.1:" + simulator.chains().network(31338).orElseThrow().port()),
                endpoint.rpcUrl());
        assertEquals(Optional.of(simulator.chains().chain(31338).orElseThrow().batcher().toLowerCase()),
                endpoint.batchContract().map(String::toLowerCase));
        assertEquals(Optional.of("sport"), config.merchant().category());
    }

    @Test
    void attachingWithTheRecordOfAnOlderSimulatorDeploysOnlyThePursesItLacks(@TempDir Path other) throws Exception {
        Path record = other.resolve(Simulator.CHAIN_RECORD);
        try (Anvil node = Anvil.start(EthersSigner.chainDir())) {
            String heit;
            String batcher;
            try (LocalChain older = LocalChain.attach(node.rpcUrl(), EthersSigner.chainDir(), record)) {
                heit = older.token();
                batcher = older.batcher();
            }
            // The form an older simulator wrote: the Heitje alone, without "tokens".
            var json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(record.toFile());
            json.remove("tokens");
            Files.write(record, JSON.writeValueAsBytes(json));

            try (LocalChain now = LocalChain.attach(node.rpcUrl(), EthersSigner.chainDir(), record,
                    DevPurse.FIRST_CHAIN)) {
                assertEquals(heit, now.token());
                assertEquals(batcher, now.batcher());
                assertEquals(List.of("HEIT", "VITA", "ENERGY"), now.purses().stream().map(DevPurse::symbol).toList());
                DevPurse vita = now.purses().get(1);
                String someone = DevWallet.create().address().hex();
                assertEquals(BigInteger.valueOf(4_00), now.mint(vita, someone, BigInteger.valueOf(4_00)));
                JsonNode recorded = JSON.readTree(record.toFile()).get("tokens");
                assertEquals(List.of("HEIT", "VITA", "ENERGY"), fieldNames(recorded));
                assertEquals(vita.contract(), recorded.get("VITA").get("contract").asText());
            }
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static BigInteger balance(String symbol, String address) {
        DevPurse purse = simulator.chains().purse(symbol).orElseThrow();
        return simulator.chains().balanceOf(purse, address);
    }

    /** eth_chainId through a switch, as the terminal would ask it. */
    private static long chainIdThrough(NetworkSwitch network) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + network.port()))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return Long.decode(JSON.readTree(answer.body()).get("result").asText());
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.get(field).asText()));
        return texts;
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(control + path)).GET());
    }

    private static Answer post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(control + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    private static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(request.timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(answer.statusCode(), JSON.readTree(answer.body()));
    }
}
