// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import nl.heitje.terminal.domain.Token;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * A real local EVM chain for the simulator and the tests, with the Heitje token and the batch contract deployed from
 * {@code chain/build}: either anvil started here on a free loopback port ({@link #start}), or a dev chain that is
 * already running ({@link #attach}), whose deployment is recorded in the data directory and reused. The
 * municipality (minter) and the merchant are anvil's well-known development accounts 0 and 1; nothing here may ever
 * hold real value.
 */
public final class LocalChain implements AutoCloseable {
    public static final long CHAIN_ID = 31337;
    public static final String TOKEN_NAME = "Heerlens Heitje";
    public static final String TOKEN_SYMBOL = "HEIT";
    public static final String TOKEN_VERSION = "1";
    public static final int DECIMALS = 2;
    /** anvil's development account 0 (from its public test mnemonic): deploys and mints. */
    static final Credentials MUNICIPALITY =
            Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    /** anvil's development account 1: the merchant, which also pays the gas of its own settlements. */
    public static final Credentials MERCHANT =
            Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    /** Deadlines, never expected durations: generous enough for a loaded two-core CI machine. */
    private static final Duration RECEIPT_DEADLINE = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 5;

    /** A token contract on this chain and the block it was deployed in, where its history starts. */
    public record Deployed(String contract, long block) {
    }

    /** The node this chain started and stops; empty for a chain it only attached to. */
    private final Optional<Anvil> node;
    private final String rpcUrl;
    private final int port;
    private final long chainId;
    private final Web3j web3j;
    private final RawTransactionManager municipality;
    private final List<DevPurse.Kind> kinds;
    /** By symbol, in the order of {@link #kinds}: the first is the one {@link #token()} names. */
    private final Map<String, Deployed> tokens;
    private final String batcher;

    private LocalChain(Optional<Anvil> node, String rpcUrl, int port, long chainId, Web3j web3j,
                       RawTransactionManager municipality, List<DevPurse.Kind> kinds, Map<String, Deployed> tokens,
                       String batcher) {
        this.node = node;
        this.rpcUrl = rpcUrl;
        this.port = port;
        this.chainId = chainId;
        this.web3j = web3j;
        this.municipality = municipality;
        this.kinds = List.copyOf(kinds);
        this.tokens = new LinkedHashMap<>();
        kinds.forEach(kind -> this.tokens.put(kind.symbol(), tokens.get(kind.symbol())));
        this.batcher = batcher;
    }

    /**
     * Starts anvil from {@code chainDir/node_modules} and deploys the Heitje and the batch contract compiled into
     * {@code chainDir/build}.
     */
    public static LocalChain start(Path chainDir) {
        return start(chainDir, Anvil::freePort);
    }

    /** As {@link #start(Path)}, trying the ports {@code ports} hands out (a test hands out a taken one first). */
    static LocalChain start(Path chainDir, IntSupplier ports) {
        return start(chainDir, ports, CHAIN_ID, List.of(DevPurse.HEIT));
    }

    /**
     * Starts anvil with {@code chainId} and deploys a token contract of each kind, plus the batch contract. The first
     * kind is deployed first and the batch contract second, so a chain with the Heitje first has both at the
     * addresses a Heitje-only chain has.
     */
    public static LocalChain start(Path chainDir, long chainId, List<DevPurse.Kind> kinds) {
        return start(chainDir, Anvil::freePort, chainId, kinds);
    }

    private static LocalChain start(Path chainDir, IntSupplier ports, long chainId, List<DevPurse.Kind> kinds) {
        for (int attempt = 0; ; attempt++) {
            Anvil anvil = Anvil.start(chainDir, ports, chainId);
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            try {
                var municipality = new RawTransactionManager(web3j, MUNICIPALITY, chainId);
                Contracts contracts = deployAll(web3j, municipality, chainDir, kinds);
                Map<String, Deployed> tokens = contracts.tokens();
                String batcher = contracts.batcher();
                if (!anvil.isAlive()) {
                    throw new Anvil.Exited("anvil exited while the contracts were deployed on port " + anvil.port());
                }
                return new LocalChain(Optional.of(anvil), anvil.rpcUrl(), anvil.port(), chainId, web3j, municipality,
                        kinds, tokens, batcher);
            } catch (Anvil.Exited exited) {
                web3j.shutdown();
                anvil.close();
                if (attempt + 1 >= PORT_ATTEMPTS) {
                    throw new IllegalStateException("anvil exited early on " + PORT_ATTEMPTS + " ports in a row", exited);
                }
            } catch (RuntimeException | IOException failed) {
                web3j.shutdown();
                anvil.close();
                throw failed instanceof RuntimeException r ? r : new IllegalStateException("cannot deploy contracts", failed);
            }
        }
    }

    /** As {@link #attach(String, Path, Path, List)} with the Heitje alone. */
    public static LocalChain attach(String rpcUrl, Path chainDir, Path record) {
        return attach(rpcUrl, chainDir, record, List.of(DevPurse.HEIT));
    }

    /**
     * Uses a dev chain that is already running at {@code rpcUrl} (an {@code http} URL to this machine), and leaves
     * it running on {@link #close}. The deployment recorded in {@code record} is reused when it is on this very chain
     * and its contracts still have code; a token of {@code kinds} it does not name (a record of an older simulator)
     * is deployed and added to it. With no record, the contracts are deployed and recorded.
     *
     * @throws StartRefusedException when the URL is not a local dev chain, or the record belongs to another chain
     */
    public static LocalChain attach(String rpcUrl, Path chainDir, Path record, List<DevPurse.Kind> kinds) {
        int port = loopbackPort(rpcUrl);
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            long chainId;
            String genesis;
            try {
                chainId = web3j.ethChainId().send().getChainId().longValueExact();
                genesis = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.ZERO), false).send()
                        .getBlock().getHash();
            } catch (IOException | RuntimeException unreachable) {
                throw new StartRefusedException("no chain answers at " + rpcUrl + ": " + unreachable.getMessage());
            }
            if (chainId != CHAIN_ID) {
                throw new StartRefusedException("the chain at " + rpcUrl + " has chain id " + chainId
                        + ", not the dev chain's " + CHAIN_ID + "; the simulator deploys and settles on a dev chain only");
            }
            var municipality = new RawTransactionManager(web3j, MUNICIPALITY, CHAIN_ID);
            Optional<DevDeployment> recorded = DevDeployment.read(record);
            DevDeployment deployment;
            if (recorded.isPresent()) {
                deployment = recorded.get();
                if (deployment.chainId() != chainId || !deployment.genesisHash().equalsIgnoreCase(genesis)) {
                    throw new StartRefusedException(record + " records contracts on another chain (genesis "
                            + deployment.genesisHash() + "), but the chain at " + rpcUrl + " has genesis " + genesis
                            + "; use a new --data-dir for this chain");
                }
                List<String> contracts = new java.util.ArrayList<>(deployment.tokens().values().stream()
                        .map(Deployed::contract).toList());
                contracts.add(deployment.batcher());
                for (String contract : contracts) {
                    String code = web3j.ethGetCode(contract, DefaultBlockParameterName.LATEST).send().getCode();
                    if (code == null || code.equals("0x") || code.isEmpty()) {
                        throw new StartRefusedException(record + " names contract " + contract + ", which has no code on"
                                + " the chain at " + rpcUrl + " (was it reset?); use a new --data-dir for this chain");
                    }
                }
                Map<String, Deployed> tokens = new LinkedHashMap<>(deployment.tokens());
                for (DevPurse.Kind kind : kinds) {
                    if (!tokens.containsKey(kind.symbol())) {
                        tokens.put(kind.symbol(), deployToken(web3j, municipality, chainDir, kind));
                    }
                }
                if (!tokens.equals(deployment.tokens())) {
                    deployment = new DevDeployment(chainId, genesis, deployment.batcher(), tokens);
                    deployment.write(record);
                }
            } else {
                Contracts contracts = deployAll(web3j, municipality, chainDir, kinds);
                Map<String, Deployed> tokens = contracts.tokens();
                String batcher = contracts.batcher();
                deployment = new DevDeployment(chainId, genesis, batcher, tokens);
                deployment.write(record);
            }
            return new LocalChain(Optional.empty(), rpcUrl, port, chainId, web3j, municipality, kinds,
                    deployment.tokens(), deployment.batcher());
        } catch (RuntimeException | IOException failed) {
            web3j.shutdown();
            throw failed instanceof RuntimeException r ? r : new IllegalStateException("cannot use the chain at " + rpcUrl,
                    failed);
        }
    }

    /**
     * The port of a chain URL the network switch can relay to: plain http to 127.0.0.1, where the switch connects.
     * The switch is what {@code /sim/network} cuts, so the terminal never talks to the chain around it.
     */
    private static int loopbackPort(String rpcUrl) {
        URI uri;
        try {
            uri = new URI(rpcUrl);
        } catch (URISyntaxException e) {
            throw new StartRefusedException("--chain-rpc is not a URL: " + rpcUrl);
        }
        String host = uri.getHost();
        boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host);
        if (!"http".equals(uri.getScheme()) || !loopback || uri.getPort() <= 0) {
            throw new StartRefusedException("--chain-rpc must be http://127.0.0.1:<port> (a dev chain on this machine),"
                    + " is " + rpcUrl);
        }
        return uri.getPort();
    }

    static int freePort() {
        return Anvil.freePort();
    }

    private static Deployed deployToken(Web3j web3j, RawTransactionManager municipality, Path chainDir,
                                        DevPurse.Kind kind) throws IOException {
        return deploy(web3j, municipality, chainDir.resolve("build/HeitjeToken.json"), List.of(
                new Utf8String(kind.name()), new Utf8String(kind.symbol()), new Utf8String(kind.version()),
                new Uint8(kind.decimals()), new Address(MUNICIPALITY.getAddress())));
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public int port() {
        return port;
    }

    public long chainId() {
        return chainId;
    }

    /** The first token's contract: the Heitje on a chain the simulator started for the terminal. */
    public String token() {
        return tokens.values().iterator().next().contract();
    }

    /** The purses deployed here, in the order they were asked for. */
    public List<DevPurse> purses() {
        return kinds.stream().map(kind -> new DevPurse(kind.symbol(), kind.name(), kind.version(), kind.decimals(),
                chainId, tokens.get(kind.symbol()).contract(), rpcUrl, batcher, kind.merchantCategories(),
                kind.productCategories())).toList();
    }

    /** The block a purse's contract was deployed in; 0 when an older deployment record did not say. */
    public long deployBlock(String symbol) {
        return Optional.ofNullable(tokens.get(symbol)).orElseThrow(() -> new IllegalArgumentException(
                "no " + symbol + " on chain " + chainId)).block();
    }

    public String batcher() {
        return batcher;
    }

    /** The deployed Heitje as the terminal's domain sees it. */
    public Token heitje() {
        return heitjeAt(token());
    }

    /** The Heitje at a contract address, e.g. one read from another simulator's {@code /sim/chain}. */
    public static Token heitjeAt(String contract) {
        return new Token(TOKEN_SYMBOL, CHAIN_ID, nl.heitje.terminal.domain.Address.parse(contract), TOKEN_NAME,
                TOKEN_VERSION, DECIMALS);
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Mints new tokens of the first token to an address (the municipality paying a citizen for a chore). */
    public BigInteger mint(String address, BigInteger units) {
        return mintAt(token(), address, units);
    }

    /** Mints {@code units} of a purse on this chain (in its own base units) and answers the new balance. */
    public BigInteger mint(DevPurse purse, String address, BigInteger units) {
        return mintAt(contractOf(purse), address, units);
    }

    private BigInteger mintAt(String contract, String address, BigInteger units) {
        Function mint = new Function("mint", List.of(new Address(address), new Uint256(units)), List.of());
        sendAndWait(FunctionEncoder.encode(mint), contract);
        return balanceAt(contract, address);
    }

    private String contractOf(DevPurse purse) {
        Deployed deployed = tokens.get(purse.symbol());
        if (purse.chainId() != chainId || deployed == null || !deployed.contract().equalsIgnoreCase(purse.contract())) {
            throw new IllegalArgumentException(purse.symbol() + " at " + purse.contract() + " on chain "
                    + purse.chainId() + " is not deployed on this chain (" + chainId + ")");
        }
        return deployed.contract();
    }

    /**
     * Mints {@code units} to each address, fast enough for thousands (a benchmark's holders): the transactions are
     * signed here, sent {@code perBlock} at a time in one JSON-RPC batch with automine off, and each batch is mined
     * into one block, followed by {@code quietBlocks} empty blocks so the history is spread the way a real chain's
     * is. Automine is back on when this returns. Answers the block of the last mint.
     */
    public long mintToMany(List<String> addresses, BigInteger units, int perBlock, int quietBlocks) {
        ObjectMapper json = new ObjectMapper();
        try {
            BigInteger nonce = web3j.ethGetTransactionCount(MUNICIPALITY.getAddress(), DefaultBlockParameterName.PENDING)
                    .send().getTransactionCount();
            BigInteger gasPrice = BigInteger.valueOf(100_000_000_000L);
            BigInteger gasLimit = BigInteger.valueOf(100_000);
            rpc("evm_setAutomine", false);
            try {
                for (int start = 0; start < addresses.size(); start += perBlock) {
                    List<Object> batch = new java.util.ArrayList<>();
                    for (int i = start; i < Math.min(addresses.size(), start + perBlock); i++) {
                        String data = FunctionEncoder.encode(new Function("mint",
                                List.of(new Address(addresses.get(i)), new Uint256(units)), List.of()));
                        var raw = org.web3j.crypto.RawTransaction.createTransaction(nonce, gasPrice, gasLimit, token(),
                                BigInteger.ZERO, data);
                        nonce = nonce.add(BigInteger.ONE);
                        String signed = Numeric.toHexString(
                                org.web3j.crypto.TransactionEncoder.signMessage(raw, chainId, MUNICIPALITY));
                        batch.add(java.util.Map.of("jsonrpc", "2.0", "id", i, "method", "eth_sendRawTransaction",
                                "params", List.of(signed)));
                    }
                    JsonNode answers = json.readTree(post(json.writeValueAsBytes(batch)));
                    for (JsonNode answer : answers) {
                        if (answer.has("error")) {
                            throw new IllegalStateException("mint refused: " + answer.get("error"));
                        }
                    }
                    rpc("evm_mine");
                    if (quietBlocks > 0) {
                        rpc("anvil_mine", "0x" + Integer.toHexString(quietBlocks));
                    }
                }
                BigInteger mined = web3j.ethGetTransactionCount(MUNICIPALITY.getAddress(), DefaultBlockParameterName.LATEST)
                        .send().getTransactionCount();
                if (!mined.equals(nonce)) {
                    throw new IllegalStateException("only mined up to nonce " + mined + " of " + nonce
                            + "; a batch did not fit its block");
                }
            } finally {
                rpc("evm_setAutomine", true);
            }
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new IllegalStateException("mint to many", e);
        }
    }

    private byte[] post(byte[] body) throws IOException {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(rpcUrl())).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Sends a payer's signed cancellation of an authorization (anyone may send it; the municipality does here). */
    public void cancelAuthorization(nl.heitje.terminal.domain.Address authorizer, nl.heitje.terminal.domain.Nonce nonce,
                                    nl.heitje.terminal.domain.Signature signature) {
        Function cancel = new Function("cancelAuthorization", List.of(new Address(authorizer.hex()),
                new org.web3j.abi.datatypes.generated.Bytes32(nonce.bytes()), new Uint8(signature.v()),
                new org.web3j.abi.datatypes.generated.Bytes32(nl.heitje.terminal.domain.Hex.word(signature.r())),
                new org.web3j.abi.datatypes.generated.Bytes32(nl.heitje.terminal.domain.Hex.word(signature.s()))),
                List.of());
        sendAndWait(FunctionEncoder.encode(cancel), token());
    }

    /**
     * A raw JSON-RPC call to the node, for the dev-only methods that fault tests need ({@code evm_mine},
     * {@code evm_snapshot}, {@code evm_revert}, {@code evm_setAutomine}, {@code anvil_setNextBlockBaseFeePerGas}...).
     * Answers the {@code result}; a JSON-RPC error is an {@link IllegalStateException}.
     */
    public JsonNode rpc(String method, Object... params) {
        ObjectMapper json = new ObjectMapper();
        try {
            byte[] body = json.writeValueAsBytes(java.util.Map.of("jsonrpc", "2.0", "id", 1, "method", method,
                    "params", List.of(params)));
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(rpcUrl())).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = json.readTree(response.body());
            if (answer.has("error")) {
                throw new IllegalStateException(method + " refused: " + answer.get("error"));
            }
            return answer.get("result");
        } catch (IOException e) {
            throw new IllegalStateException(method, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method, e);
        }
    }

    public BigInteger balanceOf(String address) {
        return balanceAt(token(), address);
    }

    public BigInteger balanceOf(DevPurse purse, String address) {
        return balanceAt(contractOf(purse), address);
    }

    private BigInteger balanceAt(String token, String address) {
        Function balanceOf = new Function("balanceOf", List.of(new Address(address)), List.of());
        try {
            String answer = web3j.ethCall(org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(
                    null, token, FunctionEncoder.encode(balanceOf)), DefaultBlockParameterName.LATEST).send().getValue();
            return Numeric.toBigInt(answer);
        } catch (IOException e) {
            throw new IllegalStateException("balanceOf " + address, e);
        }
    }

    private void sendAndWait(String data, String to) {
        try {
            EthSendTransaction sent = municipality.sendTransaction(DefaultGasProvider.GAS_PRICE, BigInteger.valueOf(500_000),
                    to, data, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new IllegalStateException("transaction to " + to + " refused: " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = awaitReceipt(web3j, sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new IllegalStateException("transaction " + sent.getTransactionHash() + " reverted");
            }
        } catch (IOException e) {
            throw new IllegalStateException("transaction to " + to, e);
        }
    }

    @SuppressWarnings("rawtypes") // web3j's encodeConstructor takes a raw List<Type>
    /** What a fresh chain gets: the tokens, and one batch contract. */
    private record Contracts(Map<String, Deployed> tokens, String batcher) {
    }

    /**
     * The first token first and the batch contract second, so that their addresses stay those of a chain with only
     * the first token (nonces 0 and 1 of the deployer); the other tokens after them.
     */
    private static Contracts deployAll(Web3j web3j, RawTransactionManager municipality, Path chainDir,
                                       List<DevPurse.Kind> kinds) throws IOException {
        Map<String, Deployed> tokens = new LinkedHashMap<>();
        tokens.put(kinds.get(0).symbol(), deployToken(web3j, municipality, chainDir, kinds.get(0)));
        String batcher = deploy(web3j, municipality, chainDir.resolve("build/BatchCaller.json"), List.of()).contract();
        for (DevPurse.Kind kind : kinds.subList(1, kinds.size())) {
            tokens.put(kind.symbol(), deployToken(web3j, municipality, chainDir, kind));
        }
        return new Contracts(tokens, batcher);
    }

    private static Deployed deploy(Web3j web3j, RawTransactionManager sender, Path artifact, List<Type> constructorArguments)
            throws IOException {
        JsonNode json = new ObjectMapper().readTree(artifact.toFile());
        String data = json.get("bytecode").asText() + FunctionEncoder.encodeConstructor(constructorArguments);
        EthSendTransaction sent = sender.sendTransaction(DefaultGasProvider.GAS_PRICE, BigInteger.valueOf(6_000_000), null,
                data, BigInteger.ZERO);
        if (sent.hasError()) {
            throw new IllegalStateException("deploying " + artifact.getFileName() + " refused: " + sent.getError().getMessage());
        }
        TransactionReceipt receipt = awaitReceipt(web3j, sent.getTransactionHash());
        String contract = Optional.ofNullable(receipt.getContractAddress())
                .orElseThrow(() -> new IllegalStateException("no contract address for " + artifact.getFileName()));
        return new Deployed(contract, receipt.getBlockNumber().longValueExact());
    }

    static TransactionReceipt awaitReceipt(Web3j web3j, String txHash) throws IOException {
        Instant deadline = Instant.now().plus(RECEIPT_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
            if (receipt.isPresent()) {
                return receipt.get();
            }
            Anvil.sleep(20);
        }
        throw new IllegalStateException("no receipt for " + txHash + " within " + RECEIPT_DEADLINE.toSeconds() + " s");
    }

    /** Stops the node if this chain started it; a chain it attached to keeps running. */
    @Override
    public void close() {
        web3j.shutdown();
        node.ifPresent(Anvil::close);
    }
}
