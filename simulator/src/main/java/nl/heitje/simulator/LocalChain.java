package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * A real local EVM chain for the simulator and the tests: anvil on a free loopback port, with the Heitje token and
 * the batch contract deployed from {@code chain/build}. The municipality (minter) and the merchant are anvil's
 * well-known development accounts 0 and 1; nothing here may ever hold real value.
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

    /*
     * Runs anvil as a child of a small shell that holds our end of a pipe as its stdin. If this JVM dies in any way,
     * SIGKILL included, the pipe closes, the shell sees end-of-file and takes anvil down with it: no orphaned
     * chains on a developer's machine or in CI. SIGTERM (our close()) stops anvil too.
     */
    private static final String ANVIL_WATCHDOG = """
            "$0" "$@" & child=$!
            trap 'kill "$child" 2>/dev/null; wait "$child"; exit 143' TERM INT
            while kill -0 "$child" 2>/dev/null; do
              read -r -t 1 _; status=$?
              if [ "$status" -ne 0 ] && [ "$status" -le 128 ]; then kill "$child" 2>/dev/null; break; fi
            done
            wait "$child"
            """;

    /** Deadlines, never expected durations: generous enough for a loaded two-core CI machine. */
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 5;

    private final Process anvil;
    private final int port;
    private final Web3j web3j;
    private final RawTransactionManager municipality;
    private final String token;
    private final String batcher;

    private LocalChain(Process anvil, int port, Web3j web3j, RawTransactionManager municipality, String token,
                       String batcher) {
        this.anvil = anvil;
        this.port = port;
        this.web3j = web3j;
        this.municipality = municipality;
        this.token = token;
        this.batcher = batcher;
    }

    /** Starts anvil from {@code chainDir/node_modules} and deploys the contracts compiled into {@code chainDir/build}. */
    public static LocalChain start(Path chainDir) {
        return start(chainDir, LocalChain::freePort);
    }

    /** As {@link #start(Path)}, trying the ports {@code ports} hands out (a test hands out a taken one first). */
    static LocalChain start(Path chainDir, IntSupplier ports) {
        Path anvilBinary = chainDir.resolve("node_modules/.bin/anvil");
        if (!Files.isExecutable(anvilBinary)) {
            throw new IllegalStateException("anvil is not installed at " + anvilBinary + "; run simulator/chain/setup");
        }
        /*
         * anvil is given a port that was free a moment ago; by the time it binds, another process may hold it. Then
         * anvil exits at once, and we try again on a fresh port instead of failing the build of a busy machine.
         */
        AnvilExited last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return start(chainDir, anvilBinary, ports.getAsInt());
            } catch (AnvilExited exited) {
                last = exited;
            }
        }
        throw new IllegalStateException("anvil exited early on " + PORT_ATTEMPTS + " fresh ports in a row", last);
    }

    /** anvil died before it was ready: on a port of its own, the next attempt will do. */
    private static final class AnvilExited extends IllegalStateException {
        AnvilExited(String message) {
            super(message);
        }
    }

    private static LocalChain start(Path chainDir, Path anvilBinary, int port) {
        Process process;
        try {
            process = new ProcessBuilder("bash", "-c", ANVIL_WATCHDOG, anvilBinary.toString(), "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--chain-id", Long.toString(CHAIN_ID), "--silent")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start anvil at " + anvilBinary, e);
        }
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + port));
        try {
            awaitReady(process, web3j, port);
            var municipality = new RawTransactionManager(web3j, MUNICIPALITY, CHAIN_ID);
            String token = deploy(web3j, municipality, chainDir.resolve("build/HeitjeToken.json"), List.of(
                    new Utf8String(TOKEN_NAME), new Utf8String(TOKEN_SYMBOL), new Utf8String(TOKEN_VERSION),
                    new Uint8(DECIMALS), new Address(MUNICIPALITY.getAddress())));
            String batcher = deploy(web3j, municipality, chainDir.resolve("build/BatchCaller.json"), List.of());
            // Another dev chain that took our port first could have answered all of the above; ours then died.
            if (!process.isAlive()) {
                throw new AnvilExited("anvil exited with " + process.exitValue() + " while another node answered on port "
                        + port);
            }
            return new LocalChain(process, port, web3j, municipality, token, batcher);
        } catch (RuntimeException | IOException failed) {
            stop(process);
            web3j.shutdown();
            throw failed instanceof RuntimeException r ? r : new IllegalStateException("cannot deploy contracts", failed);
        }
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    public String batcher() {
        return batcher;
    }

    /** The deployed Heitje as the terminal's domain sees it. */
    public Token heitje() {
        return heitjeAt(token);
    }

    /** The Heitje at a contract address, e.g. one read from another simulator's {@code /sim/chain}. */
    public static Token heitjeAt(String contract) {
        return new Token(TOKEN_SYMBOL, CHAIN_ID, nl.heitje.terminal.domain.Address.parse(contract), TOKEN_NAME,
                TOKEN_VERSION, DECIMALS);
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Mints new tokens to an address (the municipality paying a citizen for a chore). */
    public BigInteger mint(String address, BigInteger units) {
        Function mint = new Function("mint", List.of(new Address(address), new Uint256(units)), List.of());
        sendAndWait(FunctionEncoder.encode(mint), token);
        return balanceOf(address);
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
                        var raw = org.web3j.crypto.RawTransaction.createTransaction(nonce, gasPrice, gasLimit, token,
                                BigInteger.ZERO, data);
                        nonce = nonce.add(BigInteger.ONE);
                        String signed = Numeric.toHexString(
                                org.web3j.crypto.TransactionEncoder.signMessage(raw, CHAIN_ID, MUNICIPALITY));
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
        sendAndWait(FunctionEncoder.encode(cancel), token);
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
    private static String deploy(Web3j web3j, RawTransactionManager sender, Path artifact, List<Type> constructorArguments)
            throws IOException {
        JsonNode json = new ObjectMapper().readTree(artifact.toFile());
        String data = json.get("bytecode").asText() + FunctionEncoder.encodeConstructor(constructorArguments);
        EthSendTransaction sent = sender.sendTransaction(DefaultGasProvider.GAS_PRICE, BigInteger.valueOf(6_000_000), null,
                data, BigInteger.ZERO);
        if (sent.hasError()) {
            throw new IllegalStateException("deploying " + artifact.getFileName() + " refused: " + sent.getError().getMessage());
        }
        return Optional.ofNullable(awaitReceipt(web3j, sent.getTransactionHash()).getContractAddress())
                .orElseThrow(() -> new IllegalStateException("no contract address for " + artifact.getFileName()));
    }

    static TransactionReceipt awaitReceipt(Web3j web3j, String txHash) throws IOException {
        Instant deadline = Instant.now().plus(READY_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
            if (receipt.isPresent()) {
                return receipt.get();
            }
            sleep(20);
        }
        throw new IllegalStateException("no receipt for " + txHash + " within " + READY_DEADLINE.toSeconds() + " s");
    }

    private static void awaitReady(Process process, Web3j web3j, int port) {
        Instant deadline = Instant.now().plus(READY_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            // A port taken by someone else makes anvil exit; never mistake that other listener for our chain.
            if (!process.isAlive()) {
                throw new AnvilExited("anvil exited with " + process.exitValue() + " (port " + port + " taken?)");
            }
            try {
                if (web3j.ethChainId().send().getChainId().longValue() == CHAIN_ID) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("anvil did not answer on port " + port + " within " + READY_DEADLINE.toSeconds()
                + " s");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
        stop(anvil);
    }

    /**
     * SIGTERM to the watchdog, which stops anvil and waits for it. If that takes too long (a loaded machine), every
     * process below the watchdog is killed before the watchdog itself, so no anvil is left behind on its port.
     */
    private static void stop(Process watchdog) {
        watchdog.destroy();
        try {
            if (watchdog.waitFor(STOP_DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
        watchdog.destroyForcibly();
    }
}
