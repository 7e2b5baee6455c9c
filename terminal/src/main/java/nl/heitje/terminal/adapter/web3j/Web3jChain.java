// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
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
import nl.heitje.terminal.port.NodeFacts;
import nl.heitje.terminal.port.SettlementChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
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
public final class Web3jChain implements ChainReader, SettlementChain, NodeFacts {
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
    /** The errors after which an authorization can never settle; the rest (no funds yet, not yet valid) may pass later. */
    private static final Set<String> PERMANENT_ERRORS = Set.of("AuthorizationExpired",
            "InvalidSignature", "ECDSAInvalidSignature", "ECDSAInvalidSignatureS", "ECDSAInvalidSignatureLength",
            "ERC20InvalidReceiver", "ERC20InvalidSender");

    /** How far back before the redemption's known block a log search starts: a lagging node, a shallow reorg. */
    private static final long SEARCH_MARGIN_BLOCKS = 64;
    /** Block gas a batch may take: half, so that one settlement never needs a block to itself. */
    private static final long BLOCK_GAS_SHARE_DIVISOR = 2;

    private final Web3j web3j;
    private final long chainId;
    private final Credentials settlementKey;
    private final Optional<Address> batchContract;
    private final int maxBatchSize;
    private final long logRangeBlocks;

    /**
     * @param batchContract  a Multicall3-compatible {@code aggregate3} contract; empty to settle one by one
     * @param logRangeBlocks the widest block range asked of {@code eth_getLogs} at once (halved when refused)
     */
    public Web3jChain(Web3j web3j, long chainId, Credentials settlementKey, Optional<Address> batchContract,
                      int maxBatchSize, long logRangeBlocks) {
        this.web3j = web3j;
        this.chainId = chainId;
        this.settlementKey = settlementKey;
        this.batchContract = batchContract;
        this.maxBatchSize = batchContract.isPresent() ? maxBatchSize : 1;
        this.logRangeBlocks = Math.max(1, logRangeBlocks);
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

    /**
     * One JSON-RPC batch, so the online tap costs one round trip to the node rather than two. Answers are matched
     * to questions by id: JSON-RPC lets a server answer a batch in any order, and web3j matches by position.
     */
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
        Map<Long, Response<?>> byId = new HashMap<>();
        answers.forEach(answer -> byId.put(answer.getId(), answer));
        return new PayerState(Numeric.toBigInt(result(byId, balance.getId(), "balanceOf " + payer)),
                Numeric.toBigInt(result(byId, used.getId(), "authorizationState " + payer)).signum() != 0);
    }

    private static String result(Map<Long, Response<?>> byId, long id, String what) {
        Response<?> answer = byId.get(id);
        if (answer == null) {
            throw new ChainRejectedException(what + ": the node's batch answer has no reply with id " + id);
        }
        if (answer.hasError()) {
            throw new ChainRejectedException(what + " failed: " + answer.getError().getMessage());
        }
        String value = answer.getResult() instanceof String text ? text : null;
        // A read of an address with no contract answers "0x": that is a wrong address, not a zero.
        if (value == null || value.length() <= 2) {
            throw new ChainRejectedException(what + " returned no data; is the contract address right?");
        }
        return value;
    }

    @Override
    public long blockNumber() {
        return send(web3j.ethBlockNumber(), "eth_blockNumber").getBlockNumber().longValueExact();
    }

    @Override
    public long nodeChainId() {
        return send(web3j.ethChainId(), "eth_chainId").getChainId().longValueExact();
    }

    @Override
    public byte[] domainSeparator(Token token) {
        byte[] separator = Numeric.hexStringToByteArray(call(token.contract(), Calldata.DOMAIN_SEPARATOR,
                "DOMAIN_SEPARATOR of " + token.symbol()));
        if (separator.length != 32) {
            throw new ChainRejectedException("DOMAIN_SEPARATOR of " + token.symbol() + " is " + separator.length
                    + " bytes, not 32");
        }
        return separator;
    }

    @Override
    public Head head() {
        EthBlock.Block block = latestBlock();
        if (block == null) {
            throw new ChainRejectedException("eth_getBlockByNumber latest: the node has no newest block");
        }
        return new Head(block.getNumber().longValueExact(), Instant.ofEpochSecond(block.getTimestamp().longValueExact()));
    }

    @Override
    public long headBlock() {
        return blockNumber();
    }

    /** Fewer than configured when the chain's blocks are small: a batch takes at most half a block's gas. */
    @Override
    public int maxBatchSize() {
        if (batchContract.isEmpty()) {
            return 1;
        }
        long blockGas = latestBlock().getGasLimit().min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
        long fitting = (blockGas / BLOCK_GAS_SHARE_DIVISOR - GAS_PER_BATCH) / GAS_PER_AUTHORIZATION;
        return (int) Math.max(1, Math.min(maxBatchSize, fitting));
    }

    @Override
    public long nextAccountNonce() {
        return send(web3j.ethGetTransactionCount(settlementKey.getAddress(), DefaultBlockParameterName.PENDING),
                "eth_getTransactionCount pending").getTransactionCount().longValueExact();
    }

    @Override
    public long minedAccountNonce() {
        return send(web3j.ethGetTransactionCount(settlementKey.getAddress(), DefaultBlockParameterName.LATEST),
                "eth_getTransactionCount").getTransactionCount().longValueExact();
    }

    /** Twice the base fee rides out six full blocks of base-fee increases before the transaction would stall. */
    @Override
    public Fees suggestedFees() {
        BigInteger priorityFee = priorityFee();
        BigInteger baseFee = latestBlock().getBaseFeePerGas();
        return new Fees(baseFee.multiply(BigInteger.TWO).add(priorityFee), priorityFee);
    }

    @Override
    public SignedTransaction sign(List<TransferAuthorization> authorizations, long accountNonce, Fees fees) {
        if (authorizations.isEmpty() || authorizations.size() > maxBatchSize) {
            throw new IllegalArgumentException("a settlement carries 1.." + maxBatchSize + " authorizations, not "
                    + authorizations.size());
        }
        Address target = batchContract.orElse(authorizations.get(0).token());
        byte[] data = batchContract.isPresent()
                ? Calldata.aggregate3(authorizations)
                : Calldata.transferWithAuthorization(authorizations.get(0));
        BigInteger gasLimit = BigInteger.valueOf(
                (batchContract.isPresent() ? GAS_PER_BATCH : 0) + GAS_PER_AUTHORIZATION * authorizations.size());
        RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(accountNonce), gasLimit,
                target.hex(), BigInteger.ZERO, Numeric.toHexString(data), fees.maxPriorityFeePerGas(), fees.maxFeePerGas());
        byte[] signed = TransactionEncoder.signMessage(raw, chainId, settlementKey);
        return new SignedTransaction(Numeric.toHexString(Hash.sha3(signed)), Numeric.toHexString(signed), accountNonce,
                fees);
    }

    @Override
    public void broadcast(String rawTransaction) {
        var answer = request(web3j.ethSendRawTransaction(rawTransaction), "eth_sendRawTransaction");
        if (answer.hasError()) {
            String message = String.valueOf(answer.getError().getMessage()).toLowerCase(java.util.Locale.ROOT);
            // Sending again what the node already has, or what is already mined, is the expected retry path; so is
            // an older bid the node dropped for its replacement.
            if (message.contains("already known") || message.contains("already imported")
                    || message.contains("nonce too low") || message.contains("replacement transaction underpriced")) {
                return;
            }
            throw new ChainRejectedException("node refused settlement transaction: " + answer.getError().getMessage());
        }
    }

    @Override
    public Optional<Receipt> receipt(String txHash) {
        Optional<TransactionReceipt> found = send(web3j.ethGetTransactionReceipt(txHash), "eth_getTransactionReceipt " + txHash)
                .getTransactionReceipt();
        return found.map(r -> new Receipt(txHash, r.isStatusOK(), r.getGasUsed().longValueExact(),
                r.getBlockNumber().longValueExact(), Consumptions.in(r.getLogs())));
    }

    @Override
    public Verdict verdict(TransferAuthorization authorization) {
        EthCall answer = request(web3j.ethCall(Transaction.createEthCallTransaction(settlementKey.getAddress(),
                        authorization.token().hex(), Numeric.toHexString(Calldata.transferWithAuthorization(authorization))),
                DefaultBlockParameterName.LATEST), "simulate transferWithAuthorization");
        if (!answer.hasError() && !answer.isReverted()) {
            return Verdict.SETTLEABLE;
        }
        // Only a revert is the contract's answer; any other error (a rate limit, a timeout, a node without the
        // block) says nothing about the authorization and must never write it off.
        boolean reverted = answer.isReverted() || (answer.hasError()
                && (answer.getError().getCode() == 3
                    || String.valueOf(answer.getError().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("revert")));
        if (!reverted) {
            throw new ChainRejectedException("dry run of " + authorization.nonce() + " failed: "
                    + answer.getError().getMessage());
        }
        String data = answer.hasError() && answer.getError().getData() != null
                ? answer.getError().getData().toString().replace("\"", "") : "";
        String selector = data.length() >= 10 ? data.substring(0, 10) : "";
        String name = KNOWN_ERRORS.get(selector);
        if (name == null) {
            return new Verdict(Verdict.Kind.NOT_NOW, "reverted: "
                    + (answer.hasError() ? answer.getError().getMessage() : answer.getRevertReason()));
        }
        Verdict.Kind kind = name.equals("AuthorizationAlreadyUsed") ? Verdict.Kind.SPENT
                : name.equals("ERC20InsufficientBalance") ? Verdict.Kind.SHORT_OF_FUNDS
                : PERMANENT_ERRORS.contains(name) ? Verdict.Kind.NEVER : Verdict.Kind.NOT_NOW;
        return new Verdict(kind, name);
    }

    @Override
    public Fate fate(TransferAuthorization authorization, long fromBlock) {
        if (!authorizationState(authorization.token(), authorization.from(), authorization.nonce())) {
            return Fate.unused();
        }
        // Rare (someone else relayed it, the payer cancelled it or spent its nonce), so a log search is affordable.
        long head = blockNumber();
        long from = Math.max(0, fromBlock - SEARCH_MARGIN_BLOCKS);
        long range = logRangeBlocks;
        while (from <= head) {
            long to = Math.min(head, from + range - 1);
            List<EthLog.LogResult> logs;
            try {
                logs = authorizationLogs(authorization, from, to);
            } catch (ChainRejectedException tooWide) {
                if (range == 1) {
                    throw tooWide;
                }
                // Hosted nodes cap the range or the number of results; ask for less and go on.
                range = Math.max(1, range / 2);
                continue;
            }
            for (EthLog.LogResult<?> result : logs) {
                if (result.get() instanceof Log log && !log.getTopics().isEmpty()) {
                    long block = log.getBlockNumber().longValueExact();
                    if (Calldata.AUTHORIZATION_CANCELED_TOPIC.equalsIgnoreCase(log.getTopics().get(0))) {
                        return new Fate(Fate.State.CANCELLED, log.getTransactionHash(), block, Optional.empty());
                    }
                    Optional<Consumption> consumed = receipt(log.getTransactionHash())
                            .flatMap(r -> r.consumptionOf(authorization));
                    return new Fate(Fate.State.USED, log.getTransactionHash(), block, consumed);
                }
            }
            from = to + 1;
        }
        return new Fate(Fate.State.USED_UNTRACEABLE, null, -1, Optional.empty());
    }

    @SuppressWarnings("rawtypes") // web3j's EthLog answers a raw LogResult list
    private List<EthLog.LogResult> authorizationLogs(TransferAuthorization authorization, long from, long to) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), authorization.token().hex());
        filter.addOptionalTopics(Calldata.AUTHORIZATION_USED_TOPIC, Calldata.AUTHORIZATION_CANCELED_TOPIC);
        filter.addSingleTopic(Numeric.toHexString(Calldata.word(authorization.from())));
        filter.addSingleTopic(authorization.nonce().hex());
        return send(web3j.ethGetLogs(filter), "eth_getLogs " + from + ".." + to + " " + authorization.nonce()).getLogs();
    }

    private EthBlock.Block latestBlock() {
        return send(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false), "eth_getBlockByNumber")
                .getBlock();
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
