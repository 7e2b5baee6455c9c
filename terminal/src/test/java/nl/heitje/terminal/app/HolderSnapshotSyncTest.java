// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import nl.heitje.terminal.adapter.sqlite.JournalException;
import nl.heitje.terminal.adapter.sqlite.SqliteHolderSnapshot;
import nl.heitje.terminal.app.HolderSnapshotSync.Advanced;
import nl.heitje.terminal.app.HolderSnapshotSync.Failed;
import nl.heitje.terminal.app.HolderSnapshotSync.HistoryChanged;
import nl.heitje.terminal.app.HolderSnapshotSync.NodeBehind;
import nl.heitje.terminal.app.HolderSnapshotSync.Outcome;
import nl.heitje.terminal.app.HolderSnapshotSync.Settings;
import nl.heitje.terminal.app.HolderSnapshotSync.Source;
import nl.heitje.terminal.app.HolderSnapshotSync.UpToDate;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.BalanceChanges;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.HolderBalances.Coverage;
import nl.heitje.terminal.port.TransferLogs.Transfer;
import nl.heitje.terminal.support.FakeTransferLogs;
import nl.heitje.terminal.support.MutableClock;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot sync over a chain in memory and the real SQLite store in a real file. */
class HolderSnapshotSyncTest {
    private static final Address ANNA = Address.parse("0x" + "a1".repeat(20));
    private static final Address BERT = Address.parse("0x" + "b2".repeat(20));
    private static final Address CARLA = Address.parse("0x" + "c3".repeat(20));
    private static final Address STRANGER = Address.parse("0x" + "d4".repeat(20));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeTransferLogs chain = new FakeTransferLogs();
    private SqliteHolderSnapshot store;

    @BeforeEach
    void open() {
        store = SqliteHolderSnapshot.open(dir.resolve("snapshot.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private HolderSnapshotSync sync(int confirmations, long logRangeBlocks) {
        return new HolderSnapshotSync(chain, store, List.of(new Source(HEIT, 3)), new Settings(confirmations,
                logRangeBlocks), clock);
    }

    private Outcome once(HolderSnapshotSync sync) {
        List<Outcome> outcomes = sync.syncOnce();
        assertEquals(1, outcomes.size());
        assertEquals(Optional.of(outcomes.get(0)), sync.lastOutcome(HEIT));
        return outcomes.get(0);
    }

    private Optional<BigInteger> balance(Address holder) {
        return store.balanceOf(HEIT, holder);
    }

    private static Optional<BigInteger> units(long units) {
        return Optional.of(BigInteger.valueOf(units));
    }

    private long coveredBlock() {
        return store.coverage(HEIT).orElseThrow().block();
    }

    /** Anna is minted 100, pays Bert 30; Carla is minted 5 later, above the confirmation depth at first. */
    private void history() {
        chain.mint(5, ANNA, 100).transfer(8, ANNA, BERT, 30).mint(20, CARLA, 5).head(25);
    }

    @Test
    void theFirstSyncReadsFromTheDeployBlockUpToTheConfirmationDepth() {
        history();

        Outcome outcome = once(sync(12, 1000));

        assertEquals(new Advanced(HEIT, 3, 13, 2, 1), outcome);
        assertEquals(3, chain.answeredRanges().get(0)[0], "nothing before the deploy block is asked for");
        assertEquals(units(70), balance(ANNA));
        assertEquals(units(30), balance(BERT));
        assertEquals(Optional.empty(), balance(CARLA), "block 20 is within 12 confirmations of the head");
        Coverage coverage = store.coverage(HEIT).orElseThrow();
        assertEquals(new Coverage(13, FakeTransferLogs.hashOf(13), FakeTransferLogs.GENESIS.plusSeconds(65),
                Fixtures.NOW), coverage);
        assertEquals(Optional.empty(), balance(BalanceChanges.ZERO), "the zero address holds nothing");
    }

    @Test
    void anIncrementalSyncReadsOnlyTheNewBlocks() {
        history();
        HolderSnapshotSync sync = sync(12, 1000);
        once(sync);
        chain.transfer(30, BERT, ANNA, 10).head(45);

        Outcome outcome = once(sync);

        assertEquals(new Advanced(HEIT, 14, 33, 2, 1), outcome);
        assertEquals(14, chain.answeredRanges().get(1)[0]);
        assertEquals(units(80), balance(ANNA));
        assertEquals(units(20), balance(BERT));
        assertEquals(units(5), balance(CARLA));
        assertEquals(33, coveredBlock());
    }

    @Test
    void aRoundWithNoNewBlocksChangesNothing() {
        history();
        HolderSnapshotSync sync = sync(12, 1000);
        once(sync);
        Coverage before = store.coverage(HEIT).orElseThrow();
        int queries = chain.logQueries();
        clock.advance(Duration.ofMinutes(5));

        assertEquals(new UpToDate(HEIT, 13), once(sync));
        assertEquals(new UpToDate(HEIT, 13), once(sync));

        assertEquals(queries, chain.logQueries(), "no logs are asked for");
        assertEquals(before, store.coverage(HEIT).orElseThrow(), "not even the sync time moves");
        assertEquals(units(70), balance(ANNA));
    }

    @Test
    void aChainBelowTheDeployBlockOrTheDepthIsNothingToDo() {
        chain.head(10);

        assertEquals(new UpToDate(HEIT, -1), once(sync(12, 1000)));
        assertEquals(Optional.empty(), store.coverage(HEIT));
    }

    @Test
    void aCrashBetweenReadingTheLogsAndCommittingLeavesTheOldState() {
        history();
        HolderSnapshotSync sync = sync(0, 4);
        chain.head(13);
        once(sync);
        assertEquals(13, coveredBlock());
        chain.transfer(15, ANNA, CARLA, 1).transfer(23, BERT, CARLA, 2).head(40);
        // Two of the (up to) seven log queries are answered, then the network goes before anything is committed.
        chain.reachableFor(2);

        Outcome cut = once(sync);

        assertInstanceOf(Failed.class, cut);
        assertEquals(13, ((Failed) cut).reachedBlock());
        assertEquals(13, coveredBlock());
        assertEquals(units(70), balance(ANNA));
        assertEquals(units(30), balance(BERT));
        assertEquals(Optional.empty(), balance(CARLA));

        chain.reachable();
        assertInstanceOf(Advanced.class, once(sync));
        assertEquals(units(69), balance(ANNA), "the blocks read before the cut are counted once");
        assertEquals(units(28), balance(BERT));
        assertEquals(units(8), balance(CARLA));
        assertEquals(40, coveredBlock());
    }

    @Test
    void aCommitCutOffHalfWayWritesNothingAndTheNextRoundCountsEverythingOnce() throws Exception {
        history();
        HolderSnapshotSync sync = sync(0, 1000);
        // The file refuses Carla's row: the transaction fails part-way, with other rows already written in it.
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("snapshot.db"));
             Statement statement = raw.createStatement()) {
            statement.execute("CREATE TRIGGER no_carla BEFORE INSERT ON balance WHEN NEW.holder = '" + CARLA.hex()
                    + "' BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
        }

        assertThrows(JournalException.class, sync::syncOnce);
        assertEquals(Optional.empty(), store.coverage(HEIT));
        assertEquals(Optional.empty(), balance(ANNA));

        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("snapshot.db"));
             Statement statement = raw.createStatement()) {
            statement.execute("DROP TRIGGER no_carla");
        }
        assertInstanceOf(Advanced.class, once(sync));
        assertEquals(units(70), balance(ANNA));
        assertEquals(units(30), balance(BERT));
        assertEquals(units(5), balance(CARLA));
    }

    @Test
    void aLongSyncCommitsAlongTheWaySoACutLosesLittle() {
        for (int block = 3; block < 103; block++) {
            chain.mint(block, ANNA, 1);
        }
        chain.head(102);
        // Commit after every page of 10 blocks; the network goes after 5 pages.
        HolderSnapshotSync sync = new HolderSnapshotSync(chain, store, List.of(new Source(HEIT, 3)),
                new Settings(0, 10), clock, Long.MAX_VALUE, 1);
        chain.reachableFor(5);

        Outcome cut = once(sync);

        assertEquals(new Failed(HEIT, 42, ((Failed) cut).reason()), cut);
        assertEquals(units(40), balance(ANNA));
        chain.reachable();
        assertEquals(new Advanced(HEIT, 43, 102, 60, 6), once(sync));
        assertEquals(units(100), balance(ANNA));
    }

    @Test
    void aNodeWhoseHeadWentBelowTheSyncedBlockIsRefused() {
        history();
        HolderSnapshotSync sync = sync(0, 1000);
        once(sync);
        assertEquals(25, coveredBlock());
        chain.transfer(30, ANNA, STRANGER, 1).head(24);
        int queries = chain.logQueries();

        Outcome outcome = once(sync);

        assertEquals(new NodeBehind(HEIT, 24, 25), outcome);
        assertEquals(queries, chain.logQueries(), "nothing is read from a node that lags or lies");
        assertEquals(25, coveredBlock());
        assertEquals(Optional.empty(), balance(STRANGER));
    }

    @Test
    void aNodeWithAnotherHistoryBelowTheDepthIsRefused() {
        history();
        HolderSnapshotSync sync = sync(0, 1000);
        once(sync);
        chain.rewrite(25).transfer(27, ANNA, STRANGER, 1).head(30);

        Outcome outcome = once(sync);

        assertEquals(new HistoryChanged(HEIT, 25, FakeTransferLogs.hashOf(25), "0x" + "ee".repeat(32)), outcome);
        assertEquals(25, coveredBlock());
        assertEquals(Optional.empty(), balance(STRANGER));
    }

    @Test
    void readsInBoundedRangesThatHalveWhileTheNodeRefusesThem() {
        Random random = new Random(11);
        long[] expected = new long[4];
        Address[] holders = {ANNA, BERT, CARLA, STRANGER};
        for (int block = 3; block <= 500; block += 1 + random.nextInt(7)) {
            int to = random.nextInt(holders.length);
            long units = 1 + random.nextInt(100);
            chain.mint(block, holders[to], units);
            expected[to] += units;
        }
        chain.head(500).maxRange(10);

        Outcome outcome = once(sync(0, 2000));

        assertInstanceOf(Advanced.class, outcome);
        assertTrue(chain.answeredRanges().stream().allMatch(r -> r[1] - r[0] + 1 <= 10), "every answered range fits");
        assertEquals(3, chain.answeredRanges().get(0)[0]);
        for (int i = 0; i < chain.answeredRanges().size() - 1; i++) {
            assertEquals(chain.answeredRanges().get(i)[1] + 1, chain.answeredRanges().get(i + 1)[0], "no gap, no overlap");
        }
        assertEquals(500, chain.answeredRanges().get(chain.answeredRanges().size() - 1)[1]);
        for (int i = 0; i < holders.length; i++) {
            assertEquals(units(expected[i]), balance(holders[i]));
        }
        // 498 blocks at 7 or 8 a query, growing back after 16 answers: well under twice the fewest queries.
        assertTrue(chain.logQueries() < 2 * 498 / 7, "asked " + chain.logQueries() + " times");
    }

    @Test
    void aRangeOfOneBlockStillRefusedEndsTheRound() {
        history();
        chain.maxRange(0);

        Outcome outcome = once(sync(0, 8));

        assertInstanceOf(Failed.class, outcome);
        assertEquals(Optional.empty(), store.coverage(HEIT));
    }

    @Test
    void mintsAndBurnsMoveOnlyTheHolder() {
        chain.mint(4, ANNA, 100).burn(6, ANNA, 40).transfer(7, BERT, BERT, 0).head(7);

        once(sync(0, 1000));

        assertEquals(units(60), balance(ANNA));
        assertEquals(units(0), balance(BERT), "named by a transfer: known, holding nothing");
        assertEquals(Optional.empty(), balance(BalanceChanges.ZERO));
    }

    @Test
    void aLogFromOutsideTheAskedRangeIsNotCounted() {
        history();
        chain.alsoAnswer(new Transfer(900, 0, BalanceChanges.ZERO, STRANGER, BigInteger.TEN));

        Outcome outcome = once(sync(0, 1000));

        assertInstanceOf(Failed.class, outcome);
        assertEquals(Optional.empty(), store.coverage(HEIT));
    }

    @Test
    void theSameLogTwiceInAnAnswerCountsOnce() {
        chain.mint(5, ANNA, 100).head(5);
        chain.alsoAnswer(new Transfer(5, 0, BalanceChanges.ZERO, ANNA, BigInteger.valueOf(100)));

        once(sync(0, 1000));

        assertEquals(units(100), balance(ANNA));
    }

    @Test
    void keepsOneSnapshotPerToken() {
        Token vitality = new Token("VIT", HEIT.chainId(), Address.parse("0x" + "77".repeat(20)), "Vitality", "1", 2);
        chain.mint(5, ANNA, 100).head(5);
        HolderSnapshotSync sync = new HolderSnapshotSync(chain, store,
                List.of(new Source(HEIT, 0), new Source(vitality, 4)), new Settings(0, 1000), clock);

        List<Outcome> outcomes = sync.syncOnce();

        assertEquals(2, outcomes.size());
        assertEquals(new Advanced(vitality, 4, 5, 1, 1), outcomes.get(1));
        assertEquals(units(100), store.balanceOf(vitality, ANNA));
        assertEquals(units(100), store.balanceOf(HEIT, ANNA));
    }
}
