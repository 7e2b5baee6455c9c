// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.TransferLogs;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * A token's {@code Transfer} logs through JSON-RPC ({@code eth_getLogs} for exactly the range asked; the caller
 * pages and halves), plus the head and single blocks. A log that is not an ERC-20 {@code Transfer} of the token
 * asked for (wrong address or topic, not three topics, a value that is not one word, removed by a reorganisation)
 * is not guessed at: the answer is refused as a whole.
 */
public final class Web3jTransferLogs implements TransferLogs {
    private final Web3j web3j;

    public Web3jTransferLogs(Web3j web3j) {
        this.web3j = web3j;
    }

    @Override
    public long headBlock() {
        return send(web3j.ethBlockNumber(), "eth_blockNumber").getBlockNumber().longValueExact();
    }

    @Override
    public Optional<BlockRef> block(long number) {
        EthBlock.Block block = send(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)),
                false), "eth_getBlockByNumber " + number).getBlock();
        if (block == null) {
            return Optional.empty();
        }
        if (block.getNumber() == null || block.getNumber().longValueExact() != number || block.getHash() == null) {
            throw new IllegalStateException("the node answered block " + block.getNumber() + " (" + block.getHash()
                    + ") when asked for block " + number);
        }
        return Optional.of(new BlockRef(number, block.getHash().toLowerCase(java.util.Locale.ROOT),
                Instant.ofEpochSecond(block.getTimestamp().longValueExact())));
    }

    @Override
    @SuppressWarnings("rawtypes") // web3j's EthLog answers a raw LogResult list
    public List<Transfer> transfers(Token token, long fromBlock, long toBlock) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)), token.contract().hex());
        filter.addSingleTopic(Calldata.TRANSFER_TOPIC);
        List<EthLog.LogResult> logs = send(web3j.ethGetLogs(filter),
                "eth_getLogs Transfer " + token.symbol() + " " + fromBlock + ".." + toBlock).getLogs();
        if (logs == null) {
            throw new IllegalStateException("the node answered eth_getLogs " + fromBlock + ".." + toBlock
                    + " without a list of logs");
        }
        List<Transfer> transfers = new ArrayList<>(logs.size());
        for (EthLog.LogResult<?> result : logs) {
            if (!(result.get() instanceof Log log)) {
                throw new IllegalStateException("the node answered eth_getLogs with a bare hash, not a log");
            }
            transfers.add(transfer(token, log));
        }
        return transfers;
    }

    private static Transfer transfer(Token token, Log log) {
        List<String> topics = log.getTopics();
        String data = log.getData() == null ? "" : Numeric.cleanHexPrefix(log.getData());
        boolean wellFormed = !log.isRemoved()
                && token.contract().hex().equalsIgnoreCase(log.getAddress())
                && topics != null && topics.size() == 3
                && Calldata.TRANSFER_TOPIC.equalsIgnoreCase(topics.get(0))
                && isWord(topics.get(1)) && isWord(topics.get(2))
                && data.length() == 64
                && log.getBlockNumber() != null && log.getLogIndex() != null;
        if (!wellFormed) {
            throw new IllegalStateException("the node answered a log that is not an ERC-20 Transfer of "
                    + token.contract() + ": " + log);
        }
        return new Transfer(log.getBlockNumber().longValueExact(), log.getLogIndex().longValueExact(),
                addressIn(topics.get(1)), addressIn(topics.get(2)), new BigInteger(data, 16));
    }

    private static boolean isWord(String topic) {
        return topic != null && Numeric.cleanHexPrefix(topic).length() == 64;
    }

    /** An indexed address is a word whose last 20 bytes are the address. */
    private static Address addressIn(String topic) {
        String hex = Numeric.cleanHexPrefix(topic);
        if (!hex.substring(0, 24).chars().allMatch(c -> c == '0')) {
            throw new IllegalStateException("topic " + topic + " is not an address");
        }
        return Address.parse("0x" + hex.substring(24));
    }

    /** Sends and insists on an answer without a JSON-RPC error. */
    private static <T extends Response<?>> T send(Request<?, T> request, String what) {
        T answer;
        try {
            answer = request.send();
        } catch (IOException | RuntimeException unreachable) {
            throw new ChainUnavailableException("chain unreachable during " + what + ": " + unreachable.getMessage(),
                    unreachable);
        }
        if (answer.hasError()) {
            throw new ChainRejectedException(what + ": " + answer.getError().getMessage());
        }
        return answer;
    }
}
