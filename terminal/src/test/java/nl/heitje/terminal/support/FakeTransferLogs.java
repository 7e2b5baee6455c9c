// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.TransferLogs;

/**
 * A chain of one token's Transfer logs in memory, with the faults a real node has: a cap on the range of one log
 * query (refused as a hosted node refuses it), a head that can be set anywhere (also backwards), blocks whose
 * hash changes (another history), and a cut-off after a number of log queries (the network goes mid-sync).
 */
public final class FakeTransferLogs implements TransferLogs {
    /** Block times: block n was made at {@code GENESIS + n * 5 s}. */
    public static final Instant GENESIS = Fixtures.NOW.minusSeconds(86_400);

    private final List<Transfer> transfers = new ArrayList<>();
    private final Map<Long, String> rewrittenHashes = new HashMap<>();
    private final List<long[]> answeredRanges = new ArrayList<>();
    private long head;
    private long maxRange = Long.MAX_VALUE;
    private int logQueriesLeft = Integer.MAX_VALUE;
    private int logQueries;
    private final List<Transfer> extraAnswers = new ArrayList<>();

    public FakeTransferLogs head(long block) {
        this.head = block;
        return this;
    }

    public FakeTransferLogs mint(long block, Address to, long units) {
        return transfer(block, nl.heitje.terminal.domain.BalanceChanges.ZERO, to, units);
    }

    public FakeTransferLogs burn(long block, Address from, long units) {
        return transfer(block, from, nl.heitje.terminal.domain.BalanceChanges.ZERO, units);
    }

    public FakeTransferLogs transfer(long block, Address from, Address to, long units) {
        return transfer(block, from, to, BigInteger.valueOf(units));
    }

    public FakeTransferLogs transfer(long block, Address from, Address to, BigInteger units) {
        long index = transfers.stream().filter(t -> t.block() == block).count();
        transfers.add(new Transfer(block, index, from, to, units));
        head = Math.max(head, block);
        return this;
    }

    /** Refuses any log query over more than {@code blocks} blocks, as Infura does. */
    public FakeTransferLogs maxRange(long blocks) {
        this.maxRange = blocks;
        return this;
    }

    /** Answers this many more log queries, then the chain is unreachable. */
    public FakeTransferLogs reachableFor(int logQueries) {
        this.logQueriesLeft = logQueries;
        return this;
    }

    public FakeTransferLogs reachable() {
        this.logQueriesLeft = Integer.MAX_VALUE;
        return this;
    }

    /** Block {@code number} now has another hash: the chain the node serves is another history. */
    public FakeTransferLogs rewrite(long number) {
        rewrittenHashes.put(number, "0x" + "ee".repeat(32));
        return this;
    }

    /** Every answer from now on also carries this log, whatever range was asked (a node that answers wrongly). */
    public FakeTransferLogs alsoAnswer(Transfer transfer) {
        extraAnswers.add(transfer);
        return this;
    }

    /** Log queries asked so far, answered or not. */
    public int logQueries() {
        return logQueries;
    }

    /** The {@code [from, to]} of every answered log query, in order. */
    public List<long[]> answeredRanges() {
        return List.copyOf(answeredRanges);
    }

    public static String hashOf(long number) {
        return String.format("0x%064x", number + 0xb10c);
    }

    @Override
    public long headBlock() {
        reachableOrThrow();
        return head;
    }

    @Override
    public Optional<BlockRef> block(long number) {
        reachableOrThrow();
        if (number < 0 || number > head) {
            return Optional.empty();
        }
        return Optional.of(new BlockRef(number, rewrittenHashes.getOrDefault(number, hashOf(number)),
                GENESIS.plusSeconds(5 * number)));
    }

    @Override
    public List<Transfer> transfers(Token token, long fromBlock, long toBlock) {
        logQueries++;
        if (logQueriesLeft <= 0) {
            throw new ChainUnavailableException("fake chain cut off", new java.net.ConnectException("refused"));
        }
        logQueriesLeft--;
        if (toBlock - fromBlock + 1 > maxRange) {
            throw new ChainRejectedException("query returned more than 10000 results");
        }
        answeredRanges.add(new long[] {fromBlock, toBlock});
        List<Transfer> answer = new ArrayList<>(transfers.stream()
                .filter(t -> t.block() >= fromBlock && t.block() <= toBlock).toList());
        answer.addAll(extraAnswers);
        return answer;
    }

    private void reachableOrThrow() {
        if (logQueriesLeft <= 0) {
            throw new ChainUnavailableException("fake chain cut off", new java.net.ConnectException("refused"));
        }
    }
}
