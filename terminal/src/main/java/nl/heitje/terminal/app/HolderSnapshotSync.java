// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.BalanceChanges;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.HolderBalances.Coverage;
import nl.heitje.terminal.port.HolderSnapshotStore;
import nl.heitje.terminal.port.TransferLogs;
import nl.heitje.terminal.port.TransferLogs.BlockRef;
import nl.heitje.terminal.port.TransferLogs.Transfer;

/**
 * Keeps the holder snapshot of each accepted token up to date from the token's {@code Transfer} logs: from the
 * block after the last synced one up to {@code head - confirmations}, read in bounded ranges that halve when the
 * node refuses them, and committed to the store together with the block they reach, so that a crash at any point
 * leaves the snapshot where its last commit put it and the next round reads the rest again: nothing is counted
 * twice, nothing is skipped.
 *
 * <p>Out of scope: repairing a reorganisation deeper than the confirmation depth. It is noticed (the held
 * block's hash no longer matches the node's) and the sync then stops and says so, as it does when the node's
 * head falls below the synced block (a lagging or lying node). Either way the snapshot stays as it was and ages,
 * so offline approvals stop once it is older than {@code offline.maxSnapshotAgeSeconds}.
 */
public final class HolderSnapshotSync {
    private static final Logger LOG = Logger.getLogger(HolderSnapshotSync.class.getName());
    /** Commit at least this often during a long sync: bounds the memory held and the work a crash throws away. */
    static final long COMMIT_EVERY_TRANSFERS = 10_000;
    static final int COMMIT_EVERY_PAGES = 64;
    /** After this many answered ranges in a row, ask for twice as many blocks again (up to the configured width). */
    static final int GROW_AFTER_PAGES = 16;

    /** A token to keep a snapshot of, and the block it was deployed in: no Transfer of it can come earlier. */
    public record Source(Token token, long deployBlock) {
        public Source {
            if (deployBlock < 0) {
                throw new IllegalArgumentException("deploy block must not be negative, is " + deployBlock);
            }
        }
    }

    /**
     * @param confirmations  blocks left unread below the head ({@code snapshot.confirmations}); 0 on a dev chain
     * @param logRangeBlocks the widest range asked of the node at once ({@code snapshot.logRangeBlocks})
     */
    public record Settings(int confirmations, long logRangeBlocks) {
        public Settings {
            if (confirmations < 0 || logRangeBlocks < 1) {
                throw new IllegalArgumentException("confirmations must be >= 0 and logRangeBlocks >= 1, not "
                        + confirmations + " and " + logRangeBlocks);
            }
        }
    }

    /** What one round did for one token. */
    public sealed interface Outcome {
        Token token();
    }

    /** Nothing new below {@code head - confirmations}; the snapshot reaches {@code block} (-1: not started). */
    public record UpToDate(Token token, long block) implements Outcome {
    }

    /** Blocks {@code [fromBlock, toBlock]} were read and committed; {@code requests} counts the log queries. */
    public record Advanced(Token token, long fromBlock, long toBlock, long transfers, int requests) implements Outcome {
    }

    /** The node's head is below the block the snapshot already reaches: a lagging or lying node; nothing was read. */
    public record NodeBehind(Token token, long head, long syncedBlock) implements Outcome {
    }

    /**
     * The node's block at the snapshot's height is not the one the snapshot was built on: a reorganisation deeper
     * than the confirmation depth, or a node of another chain. Nothing is read until the snapshot is rebuilt.
     */
    public record HistoryChanged(Token token, long block, String heldHash, String nodeHash) implements Outcome {
    }

    /**
     * The round stopped on a chain fault; what it had committed stays, the rest is read again next round.
     * {@code reachedBlock} is where the snapshot stands now (-1: not started).
     */
    public record Failed(Token token, long reachedBlock, String reason) implements Outcome {
    }

    private final TransferLogs chain;
    private final HolderSnapshotStore store;
    private final List<Source> sources;
    private final Settings settings;
    private final Clock clock;
    private final long commitEveryTransfers;
    private final int commitEveryPages;
    private final Map<Token, Outcome> lastOutcomes = new ConcurrentHashMap<>();

    public HolderSnapshotSync(TransferLogs chain, HolderSnapshotStore store, List<Source> sources, Settings settings,
                              Clock clock) {
        this(chain, store, sources, settings, clock, COMMIT_EVERY_TRANSFERS, COMMIT_EVERY_PAGES);
    }

    /** With other commit intervals: tests commit often to see each step. */
    HolderSnapshotSync(TransferLogs chain, HolderSnapshotStore store, List<Source> sources, Settings settings,
                       Clock clock, long commitEveryTransfers, int commitEveryPages) {
        this.chain = chain;
        this.store = store;
        this.sources = List.copyOf(sources);
        this.settings = settings;
        this.clock = clock;
        this.commitEveryTransfers = commitEveryTransfers;
        this.commitEveryPages = commitEveryPages;
    }

    /**
     * One round for every token: reads what is new up to {@code head - confirmations} and commits it. Chain faults
     * end the token's round as {@link Failed}; a store that cannot write throws.
     */
    public synchronized List<Outcome> syncOnce() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Source source : sources) {
            Outcome outcome;
            try {
                outcome = sync(source);
            } catch (ChainUnavailableException | ChainRejectedException | IllegalStateException fault) {
                long reached = store.coverage(source.token()).map(Coverage::block).orElse(-1L);
                outcome = new Failed(source.token(), reached, String.valueOf(fault.getMessage()));
                LOG.warning("holder snapshot of " + source.token().symbol() + " stopped at block " + reached + ": "
                        + fault.getMessage());
            }
            lastOutcomes.put(source.token(), outcome);
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** The outcome of the last round for this token, for health reports. */
    public Optional<Outcome> lastOutcome(Token token) {
        return Optional.ofNullable(lastOutcomes.get(token));
    }

    private Outcome sync(Source source) {
        Token token = source.token();
        Optional<Coverage> held = store.coverage(token);
        long synced = held.map(Coverage::block).orElse(source.deployBlock() - 1);
        long head = chain.headBlock();
        if (held.isPresent() && head < synced) {
            LOG.warning("holder snapshot of " + token.symbol() + ": the node's head " + head
                    + " is below the synced block " + synced + "; the node lags or lies, not syncing from it");
            return new NodeBehind(token, head, synced);
        }
        long target = head - settings.confirmations();
        if (target <= synced) {
            return new UpToDate(token, held.map(Coverage::block).orElse(-1L));
        }
        if (held.isPresent()) {
            String nodeHash = chain.block(synced).map(BlockRef::hash).orElse(null);
            if (nodeHash == null) {
                throw new ChainRejectedException("the node's head is " + head + " but it has no block " + synced);
            }
            if (!nodeHash.equalsIgnoreCase(held.get().blockHash())) {
                LOG.severe("holder snapshot of " + token.symbol() + ": block " + synced + " is " + nodeHash
                        + " on the node but " + held.get().blockHash() + " in the snapshot; not syncing");
                return new HistoryChanged(token, synced, held.get().blockHash(), nodeHash);
            }
        }
        return read(token, held.isPresent() ? OptionalLong.of(synced) : OptionalLong.empty(), synced + 1, target);
    }

    /** Reads {@code [first, target]} page by page, committing along the way; the same self-halving as fate(). */
    private Outcome read(Token token, OptionalLong expected, long first, long target) {
        long from = first;
        long range = settings.logRangeBlocks();
        int answeredInARow = 0;
        int requests = 0;
        int pagesSinceCommit = 0;
        long transfers = 0;
        BalanceChanges changes = new BalanceChanges();
        OptionalLong committed = expected;
        while (from <= target) {
            long to = Math.min(target, from + range - 1);
            List<Transfer> page;
            try {
                requests++;
                page = chain.transfers(token, from, to);
            } catch (ChainRejectedException tooWide) {
                if (range == 1) {
                    throw tooWide;
                }
                // Hosted nodes cap the range or the number of results; ask for less and go on.
                range = Math.max(1, range / 2);
                answeredInARow = 0;
                continue;
            }
            apply(page, from, to, changes);
            pagesSinceCommit++;
            from = to + 1;
            if (++answeredInARow >= GROW_AFTER_PAGES && range < settings.logRangeBlocks()) {
                // One crowded stretch must not leave the rest of a long first sync at a few blocks per request.
                range = Math.min(settings.logRangeBlocks(), range * 2);
                answeredInARow = 0;
            }
            if (from > target || changes.transfers() >= commitEveryTransfers || pagesSinceCommit >= commitEveryPages) {
                transfers += changes.transfers();
                commit(token, committed, to, changes);
                committed = OptionalLong.of(to);
                changes = new BalanceChanges();
                pagesSinceCommit = 0;
            }
        }
        return new Advanced(token, first, target, transfers, requests);
    }

    private static void apply(List<Transfer> page, long from, long to, BalanceChanges changes) {
        Set<LogPosition> seen = new HashSet<>();
        for (Transfer transfer : page) {
            if (transfer.block() < from || transfer.block() > to) {
                throw new IllegalStateException("the node answered a Transfer of block " + transfer.block()
                        + " to a query for blocks " + from + ".." + to);
            }
            // A log is one (block, index): the same log twice in an answer is counted once.
            if (seen.add(new LogPosition(transfer.block(), transfer.logIndex()))) {
                changes.add(transfer.from(), transfer.to(), transfer.value());
            }
        }
    }

    private record LogPosition(long block, long logIndex) {
    }

    private void commit(Token token, OptionalLong expected, long block, BalanceChanges changes) {
        BlockRef ref = chain.block(block).orElseThrow(() -> new ChainRejectedException(
                "the node answered the logs up to block " + block + " but has no such block"));
        store.advance(token, expected, changes.byHolder(), new Coverage(block, ref.hash(), ref.time(), clock.instant()));
    }
}
