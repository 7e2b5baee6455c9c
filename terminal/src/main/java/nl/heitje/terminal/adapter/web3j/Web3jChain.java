package nl.heitje.terminal.adapter.web3j;

import java.io.IOException;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The chain through JSON-RPC with web3j. Reads answer or throw {@link ChainUnavailableException}; settlement
 * transactions are EIP-1559, signed here with the terminal's settlement key and sent as raw bytes, so the
 * journal can keep exactly what was sent.
 */
public final class Web3jChain implements ChainReader, SettlementChain {
    /*
     * A fixed gas budget instead of eth_estimateGas: with allowFailure the node's estimate is the least gas at
     * which the outer call survives, and at that limit the inner transfers run out of gas and are quietly
     * recorded as failed. Only the gas actually used is paid for; the budget is an upper bound.
     */
    private static final long GAS_PER_AUTHORIZATION = 90_000;
    private static final long GAS_PER_BATCH = 60_000;
    private static final BigInteger FALLBACK_PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);
    /** Custom errors of our token and OpenZeppelin's ERC-20, by selector, to name why an item cannot settle. */
    private static final Map<String, String> KNOWN_ERRORS = Stream.of(
                    "AuthorizationNotYetValid(uint256,uint256)", "AuthorizationExpired(uint256,uint256)",
                    "AuthorizationAlreadyUsed(address,bytes32)", "InvalidSignature()",
                    "CallerMustBePayee(address,address)", "ECDSAInvalidSignature()",
                    "ECDSAInvalidSignatureS(bytes32)", "ECDSAInvalidSignatureLength(uint256)",
                    "ERC20InsufficientBalance(address,uint256,uint256)", "ERC20InvalidReceiver(address)",
                    "ERC20InvalidSender(address)")
            .collect(Collectors.toUnmodifiableMap(s -> Numeric.toHexString(Calldata.selector(s)),
                    s -> s.substring(0, s.indexOf('('))));

    private final Web3j web3j;
    private final long chainId;
    private final Credentials settlementKey;
    private final Optional<Address> batchContract;
    private final int maxBatchSize;

    /**
     * @param batchContract a Multicall3-compatible {@code aggregate3} contract; empty to settle one by one
     */
    public Web3jChain(Web3j web3j, long chainId, Credentials settlementKey, Optional<Address> batchContract,
                      int maxBatchSize) {
        this.web3j = web3j;
        this.chainId = chainId;
        this.settlementKey = settlementKey;
        this.batchContract = batchContract;
        this.maxBatchSize = batchContract.isPresent() ? maxBatchSize : 1;
    }

    public Address settlementAccount() {
        return Address.parse(settlementKey.getAddress());
    }

    @Override
    public BigInteger balanceOf(Token token, Address holder) {
        return Numeric.toBigInt(call(token.contract(), Calldata.balanceOf(holder), "balanceOf " + holder));
    }

    @Override
    public boolean authorizationUsed(Token token, Address authorizer, Nonce nonce) {
        return authorizationState(token.contract(), authorizer, nonce);
    }

    /** One JSON-RPC batch, so the online tap costs one round trip to the node rather than two. */
    @Override
    public PayerState payerState(Token token, Address payer, Nonce nonce) {
        var balance = ethCall(token.contract(), Calldata.balanceOf(payer));
        var used = ethCall(token.contract(), Calldata.authorizationState(payer, nonce.bytes()));
        List<? extends Response<?>> answers;
        try {
            answers = web3j.newBatch().add(balance).add(used).send().getResponses();
        } catch (IOException | RuntimeException unreachable) {
            throw new ChainUnavailableException("chain unreachable during payer lookup of " + payer + ": "
                    + unreachable.getMessage(), unreachable);
        }
        if (answers.size() != 2) {
            throw new ChainRejectedException("payer lookup of " + payer + " answered " + answers.size() + " of 2 calls");
        }
        return new PayerState(Numeric.toBigInt(value((EthCall) answers.get(0), "balanceOf " + payer)),
                Numeric.toBigInt(value((EthCall) answers.get(1), "authorizationState " + payer)).signum() != 0);
    }

    @Override
    public long blockNumber() {
        return send(web3j.ethBlockNumber(), "eth_blockNumber").getBlockNumber().longValueExact();
    }

    @Override
    public int maxBatchSize() {
        return maxBatchSize;
    }

    @Override
    public SignedTransaction sign(List<TransferAuthorization> authorizations) {
        if (authorizations.isEmpty() || authorizations.size() > maxBatchSize) {
            throw new IllegalArgumentException("a settlement carries 1.." + maxBatchSize + " authorizations, not "
                    + authorizations.size());
        }
        Address target = batchContract.orElse(authorizations.get(0).token());
        byte[] data = batchContract.isPresent()
                ? Calldata.aggregate3(authorizations)
                : Calldata.transferWithAuthorization(authorizations.get(0));
        String dataHex = Numeric.toHexString(data);
        BigInteger nonce = send(web3j.ethGetTransactionCount(settlementKey.getAddress(), DefaultBlockParameterName.PENDING),
                "eth_getTransactionCount").getTransactionCount();
        BigInteger gasLimit = BigInteger.valueOf(
                (batchContract.isPresent() ? GAS_PER_BATCH : 0) + GAS_PER_AUTHORIZATION * authorizations.size());
        EthBlock.Block latest = send(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false),
                "eth_getBlockByNumber").getBlock();
        BigInteger priorityFee = priorityFee();
        // Twice the base fee rides out six full blocks of base-fee increases before the transaction would stall.
        BigInteger maxFee = latest.getBaseFeePerGas().multiply(BigInteger.TWO).add(priorityFee);
        RawTransaction raw = RawTransaction.createTransaction(chainId, nonce, gasLimit, target.hex(), BigInteger.ZERO,
                dataHex, priorityFee, maxFee);
        byte[] signed = TransactionEncoder.signMessage(raw, chainId, settlementKey);
        return new SignedTransaction(Numeric.toHexString(Hash.sha3(signed)), Numeric.toHexString(signed),
                nonce.longValueExact());
    }

    @Override
    public void broadcast(String rawTransaction) {
        var answer = request(web3j.ethSendRawTransaction(rawTransaction), "eth_sendRawTransaction");
        if (answer.hasError()) {
            String message = String.valueOf(answer.getError().getMessage()).toLowerCase(java.util.Locale.ROOT);
            // Sending again what the node already has, or what is already mined, is the expected retry path.
            if (message.contains("already known") || message.contains("already imported")
                    || message.contains("nonce too low")) {
                return;
            }
            throw new ChainRejectedException("node refused settlement transaction: " + answer.getError().getMessage());
        }
    }

    @Override
    public Optional<Receipt> receipt(String txHash) {
        Optional<TransactionReceipt> found = send(web3j.ethGetTransactionReceipt(txHash), "eth_getTransactionReceipt " + txHash)
                .getTransactionReceipt();
        return found.map(r -> new Receipt(txHash, r.isStatusOK(), r.getGasUsed().longValueExact(), usedAuthorizations(r)));
    }

    @Override
    public long minedAccountNonce() {
        return send(web3j.ethGetTransactionCount(settlementKey.getAddress(), DefaultBlockParameterName.LATEST),
                "eth_getTransactionCount").getTransactionCount().longValueExact();
    }

    @Override
    public Optional<String> whyNotSettleable(TransferAuthorization authorization) {
        EthCall answer = request(web3j.ethCall(Transaction.createEthCallTransaction(settlementKey.getAddress(),
                        authorization.token().hex(), Numeric.toHexString(Calldata.transferWithAuthorization(authorization))),
                DefaultBlockParameterName.LATEST), "simulate transferWithAuthorization");
        if (!answer.hasError() && !answer.isReverted()) {
            return Optional.empty();
        }
        String data = answer.hasError() && answer.getError().getData() != null
                ? answer.getError().getData().toString().replace("\"", "") : "";
        String selector = data.length() >= 10 ? data.substring(0, 10) : "";
        return Optional.of(KNOWN_ERRORS.getOrDefault(selector,
                answer.hasError() ? answer.getError().getMessage() : answer.getRevertReason()));
    }

    @Override
    public Fate fate(TransferAuthorization authorization) {
        if (!authorizationState(authorization.token(), authorization.from(), authorization.nonce())) {
            return Fate.unused();
        }
        // Rare (someone else relayed it, or the payer cancelled it), so a log search is affordable here.
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                authorization.token().hex());
        filter.addOptionalTopics(Calldata.AUTHORIZATION_USED_TOPIC, Calldata.AUTHORIZATION_CANCELED_TOPIC);
        filter.addSingleTopic(Numeric.toHexString(Calldata.word(authorization.from())));
        filter.addSingleTopic(authorization.nonce().hex());
        for (EthLog.LogResult<?> result : send(web3j.ethGetLogs(filter), "eth_getLogs " + authorization.nonce()).getLogs()) {
            if (result.get() instanceof Log log && !log.getTopics().isEmpty()) {
                boolean cancelled = Calldata.AUTHORIZATION_CANCELED_TOPIC.equalsIgnoreCase(log.getTopics().get(0));
                return new Fate(cancelled ? Fate.State.CANCELLED : Fate.State.TRANSFERRED, log.getTransactionHash());
            }
        }
        return new Fate(Fate.State.USED_UNTRACEABLE, null);
    }

    private static Set<UsedAuthorization> usedAuthorizations(TransactionReceipt receipt) {
        Set<UsedAuthorization> used = new HashSet<>();
        for (Log log : receipt.getLogs()) {
            List<String> topics = log.getTopics();
            if (topics.size() == 3 && Calldata.AUTHORIZATION_USED_TOPIC.equalsIgnoreCase(topics.get(0))) {
                used.add(new UsedAuthorization(Address.parse(log.getAddress()),
                        Address.parse("0x" + topics.get(1).substring(26)), new Nonce(topics.get(2).toLowerCase(java.util.Locale.ROOT))));
            }
        }
        return used;
    }

    private BigInteger priorityFee() {
        var answer = request(web3j.ethMaxPriorityFeePerGas(), "eth_maxPriorityFeePerGas");
        return answer.hasError() ? FALLBACK_PRIORITY_FEE : answer.getMaxPriorityFeePerGas();
    }

    private boolean authorizationState(Address contract, Address authorizer, Nonce nonce) {
        String answer = call(contract, Calldata.authorizationState(authorizer, nonce.bytes()),
                "authorizationState " + authorizer + " " + nonce);
        return Numeric.toBigInt(answer).signum() != 0;
    }

    private String call(Address contract, byte[] data, String what) {
        return value(send(ethCall(contract, data), what), what);
    }

    private org.web3j.protocol.core.Request<?, EthCall> ethCall(Address contract, byte[] data) {
        return web3j.ethCall(Transaction.createEthCallTransaction(null, contract.hex(), Numeric.toHexString(data)),
                DefaultBlockParameterName.LATEST);
    }

    private static String value(EthCall answer, String what) {
        if (answer.hasError() || answer.isReverted()) {
            throw new ChainRejectedException(what + " failed: "
                    + (answer.hasError() ? answer.getError().getMessage() : answer.getRevertReason()));
        }
        String value = answer.getValue();
        // A read of an address with no contract answers "0x": that is a wrong address, not a zero.
        if (value == null || value.length() <= 2) {
            throw new ChainRejectedException(what + " returned no data; is the contract address right?");
        }
        return value;
    }

    /** Sends and insists on an answer without a JSON-RPC error. */
    private <T extends Response<?>> T send(org.web3j.protocol.core.Request<?, T> request, String what) {
        T answer = request(request, what);
        if (answer.hasError()) {
            throw new ChainRejectedException(what + ": " + answer.getError().getMessage());
        }
        return answer;
    }

    private <T extends Response<?>> T request(org.web3j.protocol.core.Request<?, T> request, String what) {
        try {
            return request.send();
        } catch (IOException | RuntimeException unreachable) {
            throw new ChainUnavailableException("chain unreachable during " + what + ": " + unreachable.getMessage(),
                    unreachable);
        }
    }

}
