// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.simulator.fault.JsonRpcProxy;
import nl.heitje.terminal.adapter.sqlite.SqliteHolderSnapshot;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.adapter.web3j.Web3jTransferLogs;
import nl.heitje.terminal.app.HolderSnapshotSync;
import nl.heitje.terminal.app.HolderSnapshotSync.Advanced;
import nl.heitje.terminal.app.HolderSnapshotSync.HistoryChanged;
import nl.heitje.terminal.app.HolderSnapshotSync.NodeBehind;
import nl.heitje.terminal.app.HolderSnapshotSync.Outcome;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The holder snapshot rebuilt from the real token's Transfer logs on a real anvil, directly and through a node that
 * refuses wide log ranges, lags, or serves another history. Balances must equal the token's own balanceOf.
 */
class HolderSnapshotIT {
    /** anvil's development account 3: relays the holders' EIP-3009 transfers between each other. */
    private static final Credentials RELAYER =
            Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
    private static LocalChain chain;
    private static Web3j web3j;
    private static Token token;
    private static final List<DevWallet> holders = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void mintAndTransfer() throws Exception {
        chain = LocalChain.start(EthersSigner.chainDir());
        web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        token = chain.heitje();
        for (int i = 0; i < 5; i++) {
            DevWallet holder = DevWallet.create();
            holders.add(holder);
            chain.mint(holder.address().hex(), BigInteger.valueOf(1_000L * (i + 1)));
        }
        // Holders pay each other (one batch: a holder both pays and is paid in it), and one pays twice.
        relay(List.of(pay(0, 1, 250), pay(1, 2, 1_500), pay(2, 0, 75), pay(3, 4, 4_000), pay(0, 4, 1)));
        // Quiet stretches between the transfers: a first sync has many blocks without a single log.
        chain.rpc("anvil_mine", "0x1f4");
        relay(List.of(pay(4, 3, 9_001)));
    }

    @AfterAll
    static void stopChain() {
        web3j.shutdown();
        chain.close();
    }

    private static TransferAuthorization pay(int from, int to, long units) {
        return holders.get(from).authorize(token, holders.get(to).address(), units,
                Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
    }

    private static void relay(List<TransferAuthorization> authorizations) throws Exception {
        Web3jChain relayer = new Web3jChain(web3j, LocalChain.CHAIN_ID, RELAYER,
                Optional.of(Address.parse(chain.batcher())), 50, 1000);
        SignedTransaction signed = relayer.sign(authorizations, relayer.nextAccountNonce(), relayer.suggestedFees());
        relayer.broadcast(signed.raw());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            var receipt = relayer.receipt(signed.hash());
            if (receipt.isPresent()) {
                assertEquals(authorizations.size(), receipt.get().consumed().size(), "every transfer went through");
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not mined within 60 s: " + signed.hash());
    }

    private static HolderSnapshotSync syncer(Web3j node, SqliteHolderSnapshot store, long logRangeBlocks) {
        return new HolderSnapshotSync(new Web3jTransferLogs(node), store,
                List.of(new HolderSnapshotSync.Source(token, 0)), new HolderSnapshotSync.Settings(0, logRangeBlocks),
                Clock.systemUTC());
    }

    private static Outcome once(HolderSnapshotSync sync) {
        return sync.syncOnce().get(0);
    }

    private static void assertBalancesMatchTheToken(SqliteHolderSnapshot store) {
        for (DevWallet holder : holders) {
            assertEquals(Optional.of(chain.balanceOf(holder.address().hex())), store.balanceOf(token, holder.address()),
                    "snapshot balance of " + holder.address());
        }
    }

    @Test
    void balancesEqualTheTokensOwnForEveryHolderAndGrowIncrementally() {
        try (SqliteHolderSnapshot store = SqliteHolderSnapshot.open(dir.resolve("snapshot.db"))) {
            HolderSnapshotSync sync = syncer(web3j, store, 2000);
            long head = new Web3jTransferLogs(web3j).headBlock();

            Outcome first = once(sync);

            assertInstanceOf(Advanced.class, first, first.toString());
            assertTrue(((Advanced) first).toBlock() >= head);
            assertBalancesMatchTheToken(store);
            assertEquals(Optional.empty(), store.balanceOf(token, DevWallet.create().address()), "never held: unknown");
            long covered = store.coverage(token).orElseThrow().block();
            assertTrue(Duration.between(store.coverage(token).orElseThrow().blockTime(), Instant.now()).abs()
                    .compareTo(Duration.ofHours(1)) < 0, "anvil stamps blocks with the time they are mined");

            DevWallet newcomer = DevWallet.create();
            holders.add(newcomer);
            chain.mint(newcomer.address().hex(), BigInteger.valueOf(42));
            chain.mint(holders.get(0).address().hex(), BigInteger.valueOf(8));
            Outcome next = once(sync);

            assertInstanceOf(Advanced.class, next, next.toString());
            assertEquals(covered + 1, ((Advanced) next).fromBlock(), "only the new blocks are read");
            assertEquals(2, ((Advanced) next).transfers());
            assertBalancesMatchTheToken(store);
            assertInstanceOf(HolderSnapshotSync.UpToDate.class, once(sync));
        }
    }

    @Test
    void behindANodeThatRefusesWideLogRangesItStillCompletes() {
        try (JsonRpcProxy proxy = new JsonRpcProxy(chain.rpcUrl()).limitLogRange(10);
             SqliteHolderSnapshot store = SqliteHolderSnapshot.open(dir.resolve("snapshot.db"))) {
            Web3j throughProxy = Web3j.build(new HttpService(proxy.url()));
            try {
                long head = new Web3jTransferLogs(throughProxy).headBlock();

                Outcome outcome = once(syncer(throughProxy, store, 2000));

                assertInstanceOf(Advanced.class, outcome, outcome.toString());
                assertBalancesMatchTheToken(store);
                assertTrue(proxy.calls("eth_getLogs") > head / 10, "asked " + proxy.calls("eth_getLogs")
                        + " times for " + head + " blocks");
            } finally {
                throughProxy.shutdown();
            }
        }
    }

    @Test
    void aNodeWhoseHeadWentBelowTheSyncedBlockIsRefused() {
        try (JsonRpcProxy proxy = new JsonRpcProxy(chain.rpcUrl());
             SqliteHolderSnapshot store = SqliteHolderSnapshot.open(dir.resolve("snapshot.db"))) {
            Web3j throughProxy = Web3j.build(new HttpService(proxy.url()));
            try {
                HolderSnapshotSync sync = syncer(throughProxy, store, 2000);
                once(sync);
                long covered = store.coverage(token).orElseThrow().block();
                proxy.freezeHeadAt(covered - 5);
                chain.mint(holders.get(1).address().hex(), BigInteger.ONE);

                assertEquals(new NodeBehind(token, covered - 5, covered), once(sync));
                assertEquals(covered, store.coverage(token).orElseThrow().block());

                proxy.unfreezeHead();
                assertInstanceOf(Advanced.class, once(sync), "a node that caught up is read again");
                assertBalancesMatchTheToken(store);
            } finally {
                throughProxy.shutdown();
            }
        }
    }

    @Test
    void aReorganisationBelowTheSyncedBlockIsNoticedAndNotApplied() {
        try (SqliteHolderSnapshot store = SqliteHolderSnapshot.open(dir.resolve("snapshot.db"))) {
            HolderSnapshotSync sync = syncer(web3j, store, 2000);
            once(sync);
            String before = chain.rpc("evm_snapshot").asText();
            DevWallet ghost = DevWallet.create();
            chain.mint(ghost.address().hex(), BigInteger.valueOf(500));
            once(sync);
            long covered = store.coverage(token).orElseThrow().block();
            assertEquals(Optional.of(BigInteger.valueOf(500)), store.balanceOf(token, ghost.address()));

            // The block the snapshot reached is replaced by another, and the chain grows past it.
            chain.rpc("evm_revert", before);
            chain.mint(holders.get(2).address().hex(), BigInteger.valueOf(3));
            chain.mint(holders.get(2).address().hex(), BigInteger.valueOf(4));

            Outcome outcome = once(sync);

            assertInstanceOf(HistoryChanged.class, outcome, outcome.toString());
            assertEquals(covered, ((HistoryChanged) outcome).block());
            assertEquals(covered, store.coverage(token).orElseThrow().block(), "nothing of the other history is read");
        }
    }
}
