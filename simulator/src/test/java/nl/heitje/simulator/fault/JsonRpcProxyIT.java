// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.LocalChain;
import nl.heitje.simulator.fault.JsonRpcProxy.RpcError;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainReader.PayerState;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain.Fate;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.NetVersion;

/** Each misbehaviour of the JSON-RPC proxy, in front of a real anvil, seen raw and through web3j. */
class JsonRpcProxyIT {
    /** anvil's development account 6: a settlement key of this test's own. */
    private static final Credentials RELAYER =
            Credentials.create("0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e");
    private static LocalChain chain;
    private JsonRpcProxy proxy;
    private final List<Web3j> clients = new ArrayList<>();

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(Rpc.chainDir());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @AfterEach
    void closeProxy() {
        clients.forEach(Web3j::shutdown);
        if (proxy != null) {
            proxy.close();
        }
    }

    private JsonRpcProxy proxy() {
        proxy = new JsonRpcProxy(chain.rpcUrl());
        return proxy;
    }

    private Web3j client(String url) {
        Web3j web3j = Rpc.web3j(url, Rpc.PATIENT);
        clients.add(web3j);
        return web3j;
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private static List<Integer> ids(JsonNode batch) {
        List<Integer> ids = new ArrayList<>();
        batch.forEach(answer -> ids.add(answer.get("id").asInt()));
        return ids;
    }

    @Test
    void aBatchCanBeAnsweredInReverseWithEachAnswerStillUnderItsId() throws Exception {
        JsonRpcProxy proxy = proxy();
        String batch = "[" + request(1, "eth_chainId", "[]") + "," + request(2, "net_version", "[]") + ","
                + request(3, "eth_blockNumber", "[]") + "]";
        assertEquals(List.of(1, 2, 3), ids(Rpc.call(proxy.url(), batch)));

        proxy.reverseBatches(true);
        JsonNode reversed = Rpc.call(proxy.url(), batch);
        assertEquals(List.of(3, 2, 1), ids(reversed));
        assertEquals("0x7a69", reversed.get(2).get("result").asText());
        assertEquals("31337", reversed.get(1).get("result").asText());
        assertEquals(2, proxy.calls("eth_chainId"));
        assertEquals(2, proxy.calls("net_version"));
        assertEquals(2, proxy.httpRequests(), "a batch is one HTTP request");
    }

    @Test
    void web3jMatchesBatchAnswersByPositionNotById() throws Exception {
        // What every client of web3j's batches must know: web3j 4.13 pairs the i-th answer with the i-th request.
        Web3j web3j = client(proxy().reverseBatches(true).url());
        BatchRequest batch = web3j.newBatch().add(web3j.ethChainId()).add(web3j.netVersion());
        List<? extends Response<?>> answers = batch.send().getResponses();
        assertEquals(batch.getRequests().get(1).getId(), answers.get(0).getId(),
                "net_version's answer lands in the eth_chainId slot");
        assertEquals("31337", ((EthChainId) answers.get(0)).getResult());
        assertEquals("0x7a69", ((NetVersion) answers.get(1)).getResult());
    }

    @Test
    void theTerminalsPayerLookupSurvivesAReorderedBatch() {
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(1_000));
        TransferAuthorization authorization = authorization(payer, 100);
        Web3jChain terminal = new Web3jChain(client(proxy().reverseBatches(true).url()), LocalChain.CHAIN_ID, RELAYER,
                Optional.of(Address.parse(chain.batcher())), 50, 1000);

        PayerState state = terminal.payerState(chain.heitje(), payer.address(), authorization.nonce());

        assertEquals(BigInteger.valueOf(1_000), state.balance());
        assertFalse(state.authorizationUsed());
    }

    @Test
    void aWideLogQueryIsRefusedLikeAHostedProviderDoesAndANarrowOnePasses() throws Exception {
        Rpc.mine(chain.rpcUrl(), 30);
        Web3j web3j = client(proxy().limitLogRange(10).url());
        long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();

        EthLog wide = web3j.ethGetLogs(new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                chain.token())).send();
        assertTrue(wide.hasError());
        assertEquals(-32005, wide.getError().getCode());
        assertEquals("query returned more than 10000 results", wide.getError().getMessage());

        EthLog narrow = web3j.ethGetLogs(new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(head - 9)),
                DefaultBlockParameterName.LATEST, chain.token())).send();
        assertFalse(narrow.hasError(), () -> narrow.getError().getMessage());

        proxy.limitLogRange(10, RpcError.BLOCK_RANGE_TOO_LARGE);
        EthLog eleven = web3j.ethGetLogs(new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(head - 10)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(head)), chain.token())).send();
        assertEquals("block range too large", eleven.getError().getMessage());
        assertEquals(3, proxy.calls("eth_getLogs"));

        proxy.unlimitedLogRange();
        assertFalse(web3j.ethGetLogs(new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                chain.token())).send().hasError());
    }

    @Test
    void theTerminalFindsWhoSettledAnAuthorizationBehindARangeLimitedProvider() throws Exception {
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(1_000));
        TransferAuthorization authorization = authorization(payer, 100);
        Web3jChain direct = new Web3jChain(client(chain.rpcUrl()), LocalChain.CHAIN_ID, RELAYER,
                Optional.of(Address.parse(chain.batcher())), 50, 1000);
        long before = direct.headBlock();
        SignedTransaction sent = direct.sign(List.of(authorization), direct.nextAccountNonce(), direct.suggestedFees());
        direct.broadcast(sent.raw());
        Rpc.await("the settlement is mined", () -> direct.receipt(sent.hash()).isPresent());
        Rpc.mine(chain.rpcUrl(), 30);
        Web3jChain viaProvider = new Web3jChain(client(proxy().limitLogRange(10).url()), LocalChain.CHAIN_ID, RELAYER,
                Optional.of(Address.parse(chain.batcher())), 50, 1000);

        Fate fate = viaProvider.fate(authorization, before);
        assertEquals(Fate.State.USED, fate.state());
        assertEquals(sent.hash(), fate.txHash());
        assertTrue(fate.consumption().orElseThrow().pays(authorization));
        assertTrue(proxy.calls("eth_getLogs") > 1, "the range was narrowed until the provider answered");
    }

    @Test
    void aFrozenHeadKeepsReportingTheOldBlockWhileTheChainMovesOn() throws Exception {
        Web3j direct = client(chain.rpcUrl());
        Web3j lagging = client(proxy().url());
        long frozen = proxy.freezeHead();
        EthBlock.Block old = direct.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(frozen)), false)
                .send().getBlock();
        Rpc.mine(chain.rpcUrl(), 3);

        assertEquals(frozen + 3, direct.ethBlockNumber().send().getBlockNumber().longValueExact());
        assertEquals(frozen, lagging.ethBlockNumber().send().getBlockNumber().longValueExact());
        EthBlock.Block latest = lagging.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
        assertEquals(BigInteger.valueOf(frozen), latest.getNumber());
        assertEquals(old.getHash(), latest.getHash());
        assertEquals(old.getTimestamp(), latest.getTimestamp(), "the stale block's own timestamp");
        Web3jChain terminal = new Web3jChain(lagging, LocalChain.CHAIN_ID, RELAYER, Optional.empty(), 1, 1000);
        assertEquals(frozen, terminal.blockNumber(), "the terminal's probe sees the lagging head as a live node");

        proxy.freezeHeadAt(1);
        assertEquals(1, lagging.ethBlockNumber().send().getBlockNumber().longValueExact());
        proxy.unfreezeHead();
        assertEquals(frozen + 3, lagging.ethBlockNumber().send().getBlockNumber().longValueExact());
    }

    @Test
    void chosenMethodsFailTheNextKCallsThenPassAgain() throws Exception {
        Web3j web3j = client(proxy().url());
        proxy.failNext("eth_blockNumber", 2, RpcError.RATE_LIMITED)
                .failNext("eth_getBlockByNumber", 1, RpcError.HEADER_NOT_FOUND);

        for (int i = 0; i < 2; i++) {
            EthBlockNumber limited = web3j.ethBlockNumber().send();
            assertTrue(limited.hasError());
            assertEquals(-32005, limited.getError().getCode());
            assertEquals("rate limited", limited.getError().getMessage());
        }
        assertFalse(web3j.ethBlockNumber().send().hasError());
        assertEquals(0, proxy.failuresLeft("eth_blockNumber"));
        assertEquals("header not found",
                web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getError().getMessage());
        assertFalse(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().hasError());
        assertEquals(3, proxy.calls("eth_blockNumber"));
        assertEquals(2, proxy.calls("eth_getBlockByNumber"));

        // Inside a batch, only the chosen method fails.
        proxy.failNext("net_version", 1, RpcError.RATE_LIMITED);
        JsonNode batch = Rpc.call(proxy.url(), "[" + request(7, "eth_chainId", "[]") + ","
                + request(8, "net_version", "[]") + "]");
        assertEquals("0x7a69", batch.get(0).get("result").asText());
        assertEquals(-32005, batch.get(1).get("error").get("code").asInt());
    }

    @Test
    void aNodeCanLieAboutItsChain() throws Exception {
        Web3j web3j = client(proxy().lieAboutChainId(1).url());
        assertEquals(1, web3j.ethChainId().send().getChainId().longValueExact());
        assertEquals("1", web3j.netVersion().send().getNetVersion());
        assertEquals(LocalChain.CHAIN_ID, client(chain.rpcUrl()).ethChainId().send().getChainId().longValueExact());

        proxy.heal();
        assertEquals(LocalChain.CHAIN_ID, web3j.ethChainId().send().getChainId().longValueExact());
        assertEquals(2, proxy.calls("eth_chainId"), "counts survive heal()");
        assertEquals(java.util.Map.of("eth_chainId", 2L, "net_version", 1L), proxy.calls());
    }

    @Test
    void aNodeBehindACutLinkIsABadGatewayAndTheTerminalCallsItUnavailable() throws Exception {
        try (FaultyLink link = new FaultyLink(chain.port(), 7);
             JsonRpcProxy gateway = new JsonRpcProxy(link.httpUrl())) {
            Web3j web3j = client(gateway.url());
            assertEquals(LocalChain.CHAIN_ID, web3j.ethChainId().send().getChainId().longValueExact());

            link.setCut(true);
            HttpResponse<String> raw = Rpc.post(gateway.url(), request(1, "eth_chainId", "[]"));
            assertEquals(502, raw.statusCode(), raw.body());
            // web3j turns the 502 into its ClientConnectionException; the terminal must read that as unreachable.
            Web3jChain terminal = new Web3jChain(web3j, LocalChain.CHAIN_ID, RELAYER, Optional.empty(), 1, 1000);
            assertThrows(ChainUnavailableException.class, terminal::blockNumber);

            link.setCut(false);
            Rpc.await("the gateway reaches the node again",
                    () -> web3j.ethChainId().send().getChainId().longValueExact() == LocalChain.CHAIN_ID);
        }
    }

    private TransferAuthorization authorization(DevWallet payer, long units) {
        return payer.authorize(chain.heitje(), Address.parse(LocalChain.MERCHANT.getAddress()), units,
                Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
    }
}
