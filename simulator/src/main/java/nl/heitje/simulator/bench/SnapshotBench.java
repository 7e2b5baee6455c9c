// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import nl.heitje.simulator.LocalChain;
import nl.heitje.terminal.adapter.sqlite.SqliteHolderSnapshot;
import nl.heitje.terminal.adapter.web3j.Web3jTransferLogs;
import nl.heitje.terminal.app.HolderSnapshotSync;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The holder snapshot's first sync: 10,000 fresh holders minted on anvil, {@value #PER_BLOCK} mints a block with
 * {@value #QUIET_BLOCKS} empty blocks after each (a real chain's history is mostly blocks without our token), then
 * one full {@code syncOnce} from block 0 into a fresh file, with the terminal's defaults (2000 blocks a query).
 * The baseline, measured in the same run against the same node: one {@code eth_getLogs} of the same events over the
 * whole range, its answer read but not parsed, i.e. what the node and the loopback cost before the terminal does
 * anything.
 */
final class SnapshotBench {
    static final int HOLDERS = 10_000;
    static final int PER_BLOCK = 250;
    static final int QUIET_BLOCKS = 100;
    static final int LOG_RANGE_BLOCKS = 2000;
    static final int TIMED_RUNS = 3;
    static final String HEADING = "## Holder snapshot sync";

    private SnapshotBench() {
    }

    /** Seconds per run, in the order they ran. */
    record Result(int holders, long head, long events, double mintSeconds, double[] baselineSeconds,
                  double coldSyncSeconds, double[] warmSyncSeconds, int queries, double incrementalMillis) {
        double baseline() {
            return median(baselineSeconds);
        }

        double warmSync() {
            return median(warmSyncSeconds);
        }
    }

    static Result run(Path chainDir, Path dataDir) throws Exception {
        try (LocalChain chain = LocalChain.start(chainDir)) {
            Token token = chain.heitje();
            List<String> holders = new ArrayList<>();
            Random random = new Random(10_000);
            for (int i = 0; i < HOLDERS; i++) {
                byte[] address = new byte[20];
                random.nextBytes(address);
                holders.add(Numeric.toHexString(address));
            }
            long mintStart = System.nanoTime();
            chain.mintToMany(holders, BigInteger.valueOf(1_00), PER_BLOCK, QUIET_BLOCKS);
            double mintSeconds = (System.nanoTime() - mintStart) / 1e9;
            Web3j web3j = Web3j.build(new HttpService(chain.rpcUrl()));
            try {
                Web3jTransferLogs logs = new Web3jTransferLogs(web3j);
                long head = logs.headBlock();
                double[] baseline = new double[TIMED_RUNS];
                long events = 0;
                for (int i = 0; i < TIMED_RUNS; i++) {
                    long start = System.nanoTime();
                    byte[] answer = plainGetLogs(chain.rpcUrl(), token, head);
                    baseline[i] = (System.nanoTime() - start) / 1e9;
                    events = countOccurrences(answer, "\"logIndex\"");
                }
                if (events < HOLDERS) {
                    throw new IllegalStateException("only " + events + " Transfer logs for " + HOLDERS + " mints");
                }
                // The first sync in this JVM is the one a new terminal runs: classes load, nothing is compiled yet.
                Timed cold = timedSync(logs, token, dataDir.resolve("snapshot-cold.db"), chain, holders);
                double[] warm = new double[TIMED_RUNS];
                Timed last = cold;
                for (int i = 0; i < TIMED_RUNS; i++) {
                    last = timedSync(logs, token, dataDir.resolve("snapshot-" + i + ".db"), chain, holders);
                    warm[i] = last.seconds();
                }
                // One block more on top of a synced snapshot: what the terminal does every round once caught up.
                chain.mint(holders.get(0), BigInteger.ONE);
                double incremental;
                try (SqliteHolderSnapshot store = SqliteHolderSnapshot.open(last.file())) {
                    HolderSnapshotSync sync = syncer(logs, store, token);
                    long start = System.nanoTime();
                    var outcome = sync.syncOnce().get(0);
                    incremental = (System.nanoTime() - start) / 1e6;
                    if (!(outcome instanceof HolderSnapshotSync.Advanced advanced) || advanced.transfers() != 1) {
                        throw new IllegalStateException("incremental sync did not read the one new mint: " + outcome);
                    }
                }
                return new Result(HOLDERS, head, events, mintSeconds, baseline, cold.seconds(), warm, cold.queries(),
                        incremental);
            } finally {
                web3j.shutdown();
            }
        }
    }

    private record Timed(double seconds, int queries, Path file) {
    }

    private static HolderSnapshotSync syncer(Web3jTransferLogs logs, SqliteHolderSnapshot store, Token token) {
        return new HolderSnapshotSync(logs, store, List.of(new HolderSnapshotSync.Source(token, 0)),
                new HolderSnapshotSync.Settings(0, LOG_RANGE_BLOCKS), Clock.systemUTC());
    }

    /** One full sync from block 0 into a fresh file, checked against the token afterwards (not timed). */
    private static Timed timedSync(Web3jTransferLogs logs, Token token, Path file, LocalChain chain,
                                   List<String> holders) {
        try (SqliteHolderSnapshot store = SqliteHolderSnapshot.open(file)) {
            HolderSnapshotSync sync = syncer(logs, store, token);
            long start = System.nanoTime();
            var outcome = sync.syncOnce().get(0);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!(outcome instanceof HolderSnapshotSync.Advanced advanced)) {
                throw new IllegalStateException("snapshot sync did not complete: " + outcome);
            }
            if (store.holders(token) != holders.size()) {
                throw new IllegalStateException("snapshot knows " + store.holders(token) + " holders, not " + holders.size());
            }
            for (int i = 0; i < holders.size(); i += 97) {
                Optional<BigInteger> held = store.balanceOf(token, Address.parse(holders.get(i)));
                if (!held.equals(Optional.of(chain.balanceOf(holders.get(i))))) {
                    throw new IllegalStateException("snapshot balance of " + holders.get(i) + " is " + held);
                }
            }
            return new Timed(seconds, advanced.requests(), file);
        }
    }

    private static byte[] plainGetLogs(String rpcUrl, Token token, long head) throws IOException, InterruptedException {
        String transferTopic = Numeric.toHexString(Hash.sha3("Transfer(address,address,uint256)"
                .getBytes(StandardCharsets.US_ASCII)));
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{\"fromBlock\":\"0x0\","
                + "\"toBlock\":\"0x" + Long.toHexString(head) + "\",\"address\":\"" + token.contract().hex()
                + "\",\"topics\":[\"" + transferTopic + "\"]}]}";
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rpcUrl))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || countOccurrences(response.body(), "\"error\"") > 0) {
            throw new IllegalStateException("eth_getLogs failed: " + new String(response.body(), StandardCharsets.UTF_8)
                    .substring(0, Math.min(300, response.body().length)));
        }
        return response.body();
    }

    private static long countOccurrences(byte[] text, String needle) {
        byte[] pattern = needle.getBytes(StandardCharsets.US_ASCII);
        long count = 0;
        outer:
        for (int i = 0; i + pattern.length <= text.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (text[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The section, with its own date and machine when it was run alone. */
    static String render(Result r, boolean alone) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append(" (").append(String.format("%,d", r.holders())).append(" holders, anvil)\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("snapshot"));
        }
        md.append(String.format("%,d mints to fresh addresses, %d a block with %d empty blocks after each: %,d Transfer"
                        + " logs over blocks 0..%,d (minted in %.1f s). A sync is one `syncOnce` from block 0 into a"
                        + " fresh `snapshot.db`, %d blocks a query (%d queries), committed and then checked against"
                        + " `balanceOf`.%n%n", r.holders(), PER_BLOCK, QUIET_BLOCKS, r.events(), r.head(),
                r.mintSeconds(), LOG_RANGE_BLOCKS, r.queries()));
        md.append("| measurement | seconds | events/s | ratio to baseline |\n|---|---|---|---|\n");
        md.append(row("baseline: one `eth_getLogs` over the whole range, answer read, not parsed (median of "
                + TIMED_RUNS + ")", r.baseline(), r));
        md.append(row("first sync, cold JVM (a new terminal)", r.coldSyncSeconds(), r));
        md.append(row("first sync, warm JVM (median of " + TIMED_RUNS + ")", r.warmSync(), r));
        md.append(String.format("%nAn incremental `syncOnce` on top of it (one new block, one mint) took %.1f ms.%n",
                r.incrementalMillis()));
        md.append("\nTarget: snapshot sync of 10,000 holders on anvil under 10 s.\n");
        return md.toString();
    }

    private static String row(String name, double seconds, Result r) {
        return String.format("| %s | %.3f | %,.0f | %.2f |%n", name, seconds, r.events() / seconds, seconds / r.baseline());
    }

    static String splice(String report, String section) {
        return Bench.splice(report, HEADING, section);
    }
}
