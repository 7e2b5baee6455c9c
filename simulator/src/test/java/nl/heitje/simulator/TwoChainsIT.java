// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.heitje.config.TerminalConfig;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Purses on two chains, each with its own anvil: a payment in each settles on its own chain, and when one chain's
 * node dies, the other purse is still approved online and settled.
 */
class TwoChainsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final AtomicInteger REFERENCES = new AtomicInteger();
    private static final long ROOS_CHAIN_ID = 4242;
    private static final String ROOS_NAME = "Roosendaalse Roos";

    @TempDir
    Path dataDir;
    private LocalChain heit;
    private Anvil roosNode;
    private Web3j roosWeb3j;
    private RawTransactionManager roosMunicipality;
    private String roosContract;

    @BeforeEach
    void startChains() throws IOException {
        heit = LocalChain.start(EthersSigner.chainDir());
        roosNode = Anvil.startWithChainId(EthersSigner.chainDir(), ROOS_CHAIN_ID);
        roosWeb3j = Web3j.build(new HttpService(roosNode.rpcUrl()));
        roosMunicipality = new RawTransactionManager(roosWeb3j, LocalChain.MUNICIPALITY, ROOS_CHAIN_ID);
        roosContract = send(EthersSigner.chainDir().resolve("build/HeitjeToken.json"), List.of(
                new Utf8String(ROOS_NAME), new Utf8String("ROOS"), new Utf8String("1"), new Uint8(2),
                new org.web3j.abi.datatypes.Address(LocalChain.MUNICIPALITY.getAddress())));
        Files.write(dataDir.resolve(TerminalConfig.DENY_LIST_FILE),
                DenyListIssuer.municipality().issue(1, Instant.now(), List.of()));
    }

    @AfterEach
    void stopChains() {
        roosWeb3j.shutdown();
        roosNode.close();
        heit.close();
    }

    @Test
    void eachPurseSettlesOnItsOwnChainAndADeadChainLeavesTheOtherPurseOnline() throws IOException {
        try (Terminal terminal = start()) {
            Token heitToken = token(terminal, "HEIT");
            Token roosToken = token(terminal, "ROOS");
            awaitHealth(terminal, h -> chains(h).stream().allMatch(c -> Boolean.TRUE.equals(approvals(c).get("online"))),
                    "both nodes verified");

            DevWallet payer = DevWallet.create();
            heit.mint(payer.address().hex(), BigInteger.valueOf(10_000));
            mintRoos(payer.address().hex(), 10_000);
            Payment roos = pay(terminal, payer, roosToken, 150);
            Payment first = pay(terminal, payer, heitToken, 120);
            assertEquals(PaymentStatus.APPROVED, roos.status(), roos.toString());
            assertFalse(roos.offline(), "asked of its own chain: " + roos);
            assertEquals(PaymentStatus.APPROVED, first.status(), first.toString());
            awaitHealth(terminal, h -> pending(h, "ROOS") == 0 && pending(h, "HEIT") == 0, "both settle");
            assertEquals(BigInteger.valueOf(150), roosBalanceOf(LocalChain.MERCHANT.getAddress()),
                    "the purse's money arrived on its own chain");
            assertEquals(BigInteger.valueOf(120), heit.balanceOf(LocalChain.MERCHANT.getAddress()));

            roosNode.close();
            awaitHealth(terminal, h -> Boolean.FALSE.equals(chains(h).get(1).get("online")), "the dead node is seen");
            Map<String, Object> health = terminal.health();
            assertEquals(true, chains(health).get(0).get("online"), "the other chain is still up: " + health);
            assertEquals(true, health.get("online"), "the first chain's top-level view: " + health);
            assertEquals(List.of(LocalChain.CHAIN_ID, ROOS_CHAIN_ID), chains(health).stream()
                    .map(c -> ((Number) c.get("chainId")).longValue()).toList());
            assertEquals("127.0.0.1", chains(health).get(1).get("rpcHost"), "the host, never the whole URL");

            Payment second = pay(terminal, payer, heitToken, 130);
            assertEquals(PaymentStatus.APPROVED, second.status(), second.toString());
            assertFalse(second.offline(), "the living chain still answers for its purse: " + second);
            awaitHealth(terminal, h -> pending(h, "HEIT") == 0, "the living chain settles while the other is dead");
        }
    }

    private Terminal start() {
        Path config = dataDir.resolve("terminal.properties");
        new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token(LocalChain.TOKEN_SYMBOL, LocalChain.CHAIN_ID, heit.token(), LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS)
                .token("ROOS", ROOS_CHAIN_ID, roosContract, ROOS_NAME, "1", 2)
                .chain(heit.rpcUrl(), heit.batcher())
                // No batch contract on the second chain: one transaction per redemption there.
                .set("chain." + ROOS_CHAIN_ID + ".rpcUrl", roosNode.rpcUrl())
                .set("chain.probeIntervalMillis", "200")
                .set("chain.requestTimeoutMillis", "30000")
                .set("settlement.intervalMillis", "500")
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                .set("settlement.confirmations", "0")
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dataDir.resolve("journal.db"))
                .set("snapshot.confirmations", "0")
                .denyListIssuer(DenyListIssuer.municipality().address().hex())
                .write(config, "TwoChainsIT");
        return Terminal.start(TerminalConfig.load(config), List.of(), Clock.systemUTC());
    }

    private static Token token(Terminal terminal, String symbol) {
        var settings = terminal.config().tokens().stream().filter(t -> t.symbol().equals(symbol)).findFirst()
                .orElseThrow();
        return new Token(settings.symbol(), settings.chainId(), Address.parse(settings.contract()),
                settings.eip712Name(), settings.eip712Version(), settings.decimals());
    }

    private static Payment pay(Terminal terminal, DevWallet payer, Token token, long units) {
        terminal.desk().request(new Money(units, token), "two-chains-" + REFERENCES.incrementAndGet());
        var authorization = payer.authorize(token, Address.parse(LocalChain.MERCHANT.getAddress()), units,
                Instant.now().plus(Duration.ofDays(2)).getEpochSecond());
        return terminal.desk().presentQr(PaymentQrCodec.encode(authorization)).payment().orElseThrow();
    }

    private void mintRoos(String to, long units) throws IOException {
        Function mint = new Function("mint", List.of(new org.web3j.abi.datatypes.Address(to),
                new Uint256(BigInteger.valueOf(units))), List.of());
        EthSendTransaction sent = roosMunicipality.sendTransaction(DefaultGasProvider.GAS_PRICE,
                BigInteger.valueOf(500_000), roosContract, FunctionEncoder.encode(mint), BigInteger.ZERO);
        if (sent.hasError()) {
            throw new IllegalStateException("mint refused: " + sent.getError().getMessage());
        }
        LocalChain.awaitReceipt(roosWeb3j, sent.getTransactionHash());
    }

    private BigInteger roosBalanceOf(String holder) throws IOException {
        Function balanceOf = new Function("balanceOf", List.of(new org.web3j.abi.datatypes.Address(holder)),
                List.of(new org.web3j.abi.TypeReference<Uint256>() { }));
        String answer = roosWeb3j.ethCall(org.web3j.protocol.core.methods.request.Transaction
                        .createEthCallTransaction(holder, roosContract, FunctionEncoder.encode(balanceOf)),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getValue();
        return new BigInteger(answer.substring(2), 16);
    }

    /** Deploys a contract on the second chain, as LocalChain does on the first. */
    private String send(Path artifact, List<Type> constructorArguments) throws IOException {
        String data = new ObjectMapper().readTree(artifact.toFile()).get("bytecode").asText()
                + FunctionEncoder.encodeConstructor(constructorArguments);
        EthSendTransaction sent = roosMunicipality.sendTransaction(DefaultGasProvider.GAS_PRICE,
                BigInteger.valueOf(6_000_000), null, data, BigInteger.ZERO);
        if (sent.hasError()) {
            throw new IllegalStateException("deploying " + artifact + " refused: " + sent.getError().getMessage());
        }
        return LocalChain.awaitReceipt(roosWeb3j, sent.getTransactionHash()).getContractAddress();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> chains(Map<String, Object> health) {
        return (List<Map<String, Object>>) health.get("chains");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> approvals(Map<String, Object> chain) {
        return (Map<String, Object>) chain.get("approvals");
    }

    @SuppressWarnings("unchecked")
    private static long pending(Map<String, Object> health, String symbol) {
        return ((List<Map<String, Object>>) health.get("purses")).stream()
                .filter(p -> symbol.equals(p.get("symbol")))
                .mapToLong(p -> ((Number) p.get("pendingSettlement")).longValue()).findFirst().orElseThrow();
    }

    private static void awaitHealth(Terminal terminal, Predicate<Map<String, Object>> condition, String what) {
        Instant deadline = Instant.now().plus(DEADLINE);
        Map<String, Object> health = terminal.health();
        while (!condition.test(health)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": not within " + DEADLINE.toSeconds() + " s; health " + health);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            health = terminal.health();
        }
    }
}
