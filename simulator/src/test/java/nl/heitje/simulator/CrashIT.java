// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The terminal is killed with SIGKILL again and again, mid-payment and mid-settlement, and restarted on the same data
 * directory against the same chain ({@code simulator/run --chain-rpc --data-dir}). Hundreds of payments, online and
 * offline, honest and not (a code for another amount, a code shown twice). At the end every approval the till saw
 * is settled exactly once on chain or failed with a reason, nothing unapproved reached the chain, the merchant's gain
 * is the settled total, and the journal's hash chain is intact.
 *
 * <p>The plan (who pays what, when the network is cut, how each kill is timed) comes from one seed, printed at the
 * start; rerun it with {@code -Dcrash.seed=N}. Where a kill lands is still up to the machine: every assertion holds
 * wherever it lands. Logs and the data directory stay in {@code target/crash-it/seed-N} for a post-mortem.
 */
class CrashIT {
    private static final int MIN_ATTEMPTS = 300;
    private static final int KILLS = 12;
    /** For conditions awaited, never a measured duration: a loaded two-core machine can be very slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String JVM_OPTIONS = "-Xmx64m";
    private static final String TRANSFER = Hash.sha3String("Transfer(address,address,uint256)");
    private static final String AUTHORIZATION_USED = Hash.sha3String("AuthorizationUsed(address,bytes32)");
    private static final Address MERCHANT = Address.parse(LocalChain.MERCHANT.getAddress());

    private enum Kind { HONEST, AMOUNT_MISMATCH, REPLAY }

    private enum KillMode { MID_PAYMENT, AFTER_APPROVALS, SETTLEMENT_IN_FLIGHT }

    /** A citizen with a fresh key, funded once, who pays once (a replay shows their code again). */
    private record Citizen(DevWallet wallet, long funded) {
    }

    /** One payment attempt: what the till asked, what the citizen showed, and what the till heard back. */
    private static final class Attempt {
        final int run;
        final String reference;
        final Kind kind;
        final Citizen citizen;
        final TransferAuthorization authorization;
        final String code;
        final long askedUnits;
        String paymentId;
        boolean answered;
        String tillStatus;
        boolean tillOffline;

        Attempt(int run, String reference, Kind kind, Citizen citizen, TransferAuthorization authorization, long askedUnits) {
            this.run = run;
            this.reference = reference;
            this.kind = kind;
            this.citizen = citizen;
            this.authorization = authorization;
            this.code = PaymentQrCodec.encode(authorization);
            this.askedUnits = askedUnits;
        }

        long units() {
            return authorization.value().longValueExact();
        }
    }

    private record Kill(int run, KillMode mode, String detail) {
    }

    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Kill> kills = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    /** How long deciding a code took, by path (offline or online), for aiming the mid-payment kills. */
    private final Map<Boolean, List<Long>> decisionMicros = new HashMap<>();
    private Random random;
    private Path dataDir;
    private Path log;
    private Anvil node;
    private LocalChain chain;
    private Token token;
    private SimulatorProcess simulator;
    private String firstApiToken;
    private JsonNode firstChainInfo;
    private boolean online;
    private boolean mineAfterRestart;
    private long startMillis;

    @Test
    void everyApprovalSettlesExactlyOnceThoughTheTerminalIsKilledAgainAndAgain() throws Exception {
        long seed = Long.getLong("crash.seed", new SecureRandom().nextLong());
        System.out.println("CrashIT seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        random = new Random(seed);
        Path work = Path.of("target", "crash-it", "seed-" + seed).toAbsolutePath();
        deleteRecursively(work);
        dataDir = Files.createDirectories(work.resolve("data"));
        log = work.resolve("simulator.log");
        Instant began = Instant.now();

        List<KillMode> plan = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            plan.add(i < 5 ? KillMode.MID_PAYMENT : i < 9 ? KillMode.AFTER_APPROVALS : KillMode.SETTLEMENT_IN_FLIGHT);
        }
        Collections.shuffle(plan, random);
        int perRun = (MIN_ATTEMPTS + KILLS) / (KILLS + 1);

        node = Anvil.start(EthersSigner.chainDir());
        try {
            for (int run = 0; run <= KILLS; run++) {
                start(run);
                KillMode mode = run < KILLS ? plan.get(run) : null;
                payments(run, perRun, mode);
                if (mode == KillMode.AFTER_APPROVALS) {
                    killAfterApprovals(run);
                } else if (mode == KillMode.SETTLEMENT_IN_FLIGHT) {
                    killWithSettlementInFlight(run);
                }
            }
            setNetwork(true);
            awaitSettlementOfEverything();
            Figures figures = verify();
            simulator.close();
            simulator = null;
            verifyJournalHashChain(work);

            long seconds = Duration.between(began, Instant.now()).toSeconds();
            String summary = String.format(Locale.ROOT, "CrashIT summary: seed=%d attempts=%d approved=%d (online=%d"
                            + " offline=%d, of which answer lost=%d) declined=%d expired-by-kill=%d kills=%d (%s)"
                            + " settled=%d failed=%d settled-total=%s settlement-txs=%d gas=%d (%.0f per settled)"
                            + " decision-median online=%.1fms offline=%.1fms starts=%d (%ds) runtime=%ds",
                    seed, attempts.size(), figures.approved, figures.approvedOnline, figures.approvedOffline,
                    figures.approvedUnanswered, figures.declined, figures.expired, kills.size(), killSummary(),
                    figures.settled, figures.failed, decimal(figures.settledUnits), figures.settlementTxs, figures.gas,
                    figures.settled == 0 ? 0.0 : figures.gas / (double) figures.settled, medianMillis(false),
                    medianMillis(true), KILLS + 1, startMillis / 1000, seconds);
            System.out.println(summary);
            kills.forEach(kill -> System.out.println("  kill in run " + kill.run() + ": " + kill.mode() + ", "
                    + kill.detail()));
            Files.writeString(work.resolve("summary.txt"), summary + "\n");

            assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
            assertTrue(attempts.size() >= MIN_ATTEMPTS, "only " + attempts.size() + " payment attempts");
            assertTrue(kills.size() >= 8, "only " + kills.size() + " kills");
            assertTrue(figures.approvedOffline > 0 && figures.approvedOnline > 0, "both paths must have been taken");
        } finally {
            if (simulator != null) {
                simulator.kill();
            }
            if (chain != null) {
                chain.close();
            }
            node.close();
        }
    }

    // ---- driving the terminal ---------------------------------------------------------------------------

    /** Starts {@code simulator/run} on the same chain and data directory; a restart must keep both. */
    private void start(int run) throws Exception {
        long began = System.nanoTime();
        simulator = SimulatorProcess.start(JVM_OPTIONS, dataDir, List.of("--chain-rpc", node.rpcUrl()), log);
        startMillis += (System.nanoTime() - began) / 1_000_000;
        online = true;
        JsonNode info = simulator.get(simulator.control + "/sim/chain", false).body();
        if (run == 0) {
            firstApiToken = simulator.token;
            firstChainInfo = info;
            // The test's own view of the chain, from the record the simulator wrote: it must be reusable as is.
            chain = LocalChain.attach(node.rpcUrl(), EthersSigner.chainDir(), dataDir.resolve(Simulator.CHAIN_RECORD));
            token = chain.heitje();
            assertEquals(info.get("token").asText(), chain.token());
            assertEquals(info.get("batcher").asText(), chain.batcher());
        } else {
            check(simulator.token.equals(firstApiToken), "run " + run + ": the till API token changed on restart");
            check(info.get("token").equals(firstChainInfo.get("token"))
                    && info.get("batcher").equals(firstChainInfo.get("batcher")),
                    "run " + run + ": the contracts changed on restart: " + info);
        }
        if (mineAfterRestart) {
            // The batch that was in the node's pool when the terminal died is mined only now that it runs again.
            chain.rpc("evm_setAutomine", true);
            chain.rpc("evm_mine");
            mineAfterRestart = false;
        }
    }

    private void payments(int run, int count, KillMode mode) throws Exception {
        List<Citizen> citizens = fund(count);
        int forcedOfflineFrom = mode == KillMode.SETTLEMENT_IN_FLIGHT ? count - 4 : Integer.MAX_VALUE;
        int offlineStreak = 0;
        for (int i = 0; i < count; i++) {
            // Cuts are short and occasional: about a quarter of the time offline, in stretches of a few payments.
            boolean wantOnline = random.nextDouble() < (online ? 0.1 : 0.3) ? !online : online;
            if (i >= forcedOfflineFrom) {
                wantOnline = false;
            } else if (offlineStreak >= 8) {
                // The offline limits cap the unsettled total; a long cut would only collect expected declines.
                wantOnline = true;
            }
            boolean reconnected = wantOnline && !online;
            setNetwork(wantOnline);
            if (reconnected && random.nextBoolean()) {
                // Else the next payments meet a terminal that has not noticed yet (it probes every second): approved
                // offline while the chain is reachable and settlement resumes around them.
                awaitTerminalOnline();
            }
            offlineStreak = online ? 0 : offlineStreak + 1;
            Attempt attempt = plan(run, i, citizens.get(i), i >= forcedOfflineFrom);
            if (mode == KillMode.MID_PAYMENT && i == count - 1) {
                payAndKillMidway(attempt);
            } else {
                pay(attempt);
            }
        }
    }

    /**
     * Fresh citizens, each funded with more than they will pay, and known to the terminal's holder snapshot before
     * any of them pays: offline, a payer the snapshot does not know is declined, as it should be.
     */
    private List<Citizen> fund(int count) throws Exception {
        List<Citizen> citizens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DevWallet wallet = DevWallet.create();
            long funded = 1_100 + random.nextInt(1_000);
            chain.mint(wallet.address().hex(), BigInteger.valueOf(funded));
            citizens.add(new Citizen(wallet, funded));
        }
        long minted = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        setNetwork(true);
        awaitSnapshotAt(minted);
        return citizens;
    }

    private void awaitSnapshotAt(long block) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (simulator.get(simulator.api + "/api/v1/health", true).body().path("snapshot").path(LocalChain.TOKEN_SYMBOL)
                .path("block").asLong(-1) < block) {
            if (Instant.now().isAfter(deadline)) {
                problems.add("the holder snapshot did not reach block " + block + " within " + DEADLINE.toSeconds() + " s");
                return;
            }
            Thread.sleep(50);
        }
    }

    private Attempt plan(int run, int index, Citizen citizen, boolean honest) {
        String reference = "crash-" + run + "-" + index;
        long validBefore = Instant.now().plus(Duration.ofDays(2)).getEpochSecond();
        double dice = random.nextDouble();
        List<Attempt> approved = attempts.stream()
                .filter(a -> a.kind == Kind.HONEST && "APPROVED".equals(a.tillStatus)).toList();
        long units = 1 + random.nextInt(1_000);
        Attempt attempt;
        if (!honest && dice < 0.06 && !approved.isEmpty()) {
            // A code the till already took, shown again for a new sale of the same amount.
            Attempt earlier = approved.get(random.nextInt(approved.size()));
            attempt = new Attempt(run, reference, Kind.REPLAY, earlier.citizen, earlier.authorization, earlier.units());
        } else if (!honest && dice < 0.12) {
            attempt = new Attempt(run, reference, Kind.AMOUNT_MISMATCH, citizen,
                    citizen.wallet().authorize(token, MERCHANT, units, validBefore), units + 1);
        } else {
            attempt = new Attempt(run, reference, Kind.HONEST, citizen,
                    citizen.wallet().authorize(token, MERCHANT, units, validBefore), units);
        }
        attempts.add(attempt);
        return attempt;
    }

    private void open(Attempt attempt) throws Exception {
        var created = simulator.postJson(simulator.api + "/api/v1/payments",
                Map.of("amount", decimal(attempt.askedUnits), "reference", attempt.reference), true);
        assertEquals(201, created.status(), attempt.reference + ": " + created.body());
        attempt.paymentId = created.body().get("id").asText();
    }

    private void pay(Attempt attempt) throws Exception {
        open(attempt);
        long began = System.nanoTime();
        var answer = simulator.postBytes(simulator.control + "/sim/qr", "text/plain",
                attempt.code.getBytes(StandardCharsets.UTF_8));
        long took = (System.nanoTime() - began) / 1_000;
        hear(attempt, answer);
        decisionMicros.computeIfAbsent(attempt.tillOffline, path -> new ArrayList<>()).add(took);
    }

    private void hear(Attempt attempt, SimulatorProcess.Answer answer) {
        attempt.answered = true;
        if (answer.status() != 200) {
            problems.add(attempt.reference + ": /sim/qr answered " + answer.status() + " " + answer.body());
            return;
        }
        JsonNode payment = answer.body().get("payment");
        attempt.tillStatus = payment.get("status").asText();
        attempt.tillOffline = payment.get("offline").asBoolean();
        String expected = attempt.kind == Kind.HONEST ? "APPROVED" : "DECLINED";
        check(expected.equals(attempt.tillStatus), attempt.reference + " (" + attempt.kind + ") was "
                + attempt.tillStatus + ", expected " + expected + ": " + payment);
    }

    /** Kills the simulator from another thread while the citizen's code is being decided. */
    private void payAndKillMidway(Attempt attempt) throws Exception {
        open(attempt);
        // A random moment within a typical decision on this path, as the till sees it: the kill itself takes a
        // while to land, so this spans the decision, the journal commit and the answer leaving (or not).
        List<Long> samePath = decisionMicros.getOrDefault(!online, List.of()).stream().sorted().toList();
        long typical = samePath.isEmpty() ? 10_000 : samePath.get(samePath.size() / 2);
        long delayMicros = (long) (random.nextDouble() * typical);
        CountDownLatch sending = new CountDownLatch(1);
        SimulatorProcess victim = simulator;
        Thread killer = new Thread(() -> {
            try {
                sending.await();
                Thread.sleep(delayMicros / 1000, (int) (delayMicros % 1000) * 1000);
                victim.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-it-killer");
        killer.start();
        sending.countDown();
        try {
            hear(attempt, simulator.postBytes(simulator.control + "/sim/qr", "text/plain",
                    attempt.code.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException cut) {
            attempt.answered = false;
        }
        killer.join();
        checkKilled(victim);
        kills.add(new Kill(attempt.run, KillMode.MID_PAYMENT, String.format(Locale.ROOT,
                "%.1f ms into the decision of %s (%s, network %s): answer %s", delayMicros / 1000.0, attempt.reference,
                attempt.kind, online ? "on" : "off", attempt.answered ? attempt.tillStatus : "lost")));
    }

    /** Kills the simulator at a random moment after a run of approvals, while settlement is catching up. */
    private void killAfterApprovals(int run) throws Exception {
        setNetwork(true);
        long delay = random.nextInt(2_000);
        Thread.sleep(delay);
        int unsettled = simulator.get(simulator.api + "/api/v1/health", true).body().path("pendingSettlement").asInt(-1);
        simulator.kill();
        checkKilled(simulator);
        kills.add(new Kill(run, KillMode.AFTER_APPROVALS, delay + " ms after the network came back, "
                + unsettled + " approvals unsettled just before"));
    }

    /**
     * Holds the chain's mining, lets the terminal submit a batch, and kills it while that batch is in flight. The
     * batch is then mined while the terminal is down, or only after it restarted, or dropped by the node so that
     * only the journal still has it: each time the restarted terminal must finish it without paying anything twice.
     */
    private void killWithSettlementInFlight(int run) throws Exception {
        chain.rpc("evm_setAutomine", false);
        setNetwork(true);
        // Usually a batch of this run's offline approvals; it may be an older batch the cut left in flight, which
        // the terminal finishes before it builds a new one.
        String batch = null;
        Instant deadline = Instant.now().plus(DEADLINE);
        while (batch == null && Instant.now().isBefore(deadline)) {
            for (JsonNode payment : simulator.get(simulator.api + "/api/v1/payments", true).body().get("payments")) {
                if ("SUBMITTED".equals(payment.path("settlement").asText())) {
                    batch = payment.path("txHash").asText();
                    break;
                }
            }
            if (batch == null) {
                Thread.sleep(50);
            }
        }
        check(batch != null, "run " + run + ": no settlement batch was submitted within " + DEADLINE.toSeconds() + " s");
        simulator.kill();
        checkKilled(simulator);
        int fate = random.nextInt(3);
        String detail;
        if (fate == 0) {
            chain.rpc("evm_mine");
            chain.rpc("evm_setAutomine", true);
            detail = "batch " + batch + " mined while the terminal was down";
        } else if (fate == 1) {
            mineAfterRestart = true;
            detail = "batch " + batch + " still in the node's pool at restart, mined after it";
        } else {
            chain.rpc("anvil_dropAllTransactions");
            chain.rpc("evm_setAutomine", true);
            detail = "batch " + batch + " dropped by the node: only the journal still had it";
        }
        kills.add(new Kill(run, KillMode.SETTLEMENT_IN_FLIGHT, detail));
    }

    /** Killed by SIGKILL itself ({@code simulator/run} execs the JVM): exit status 128 + 9. */
    private void checkKilled(SimulatorProcess victim) {
        check(!victim.process.isAlive() && victim.process.exitValue() == 137, "the simulator was not ended by SIGKILL: "
                + (victim.process.isAlive() ? "still alive" : "exit status " + victim.process.exitValue()));
    }

    private void setNetwork(boolean wanted) throws Exception {
        if (wanted != online) {
            var answer = simulator.postJson(simulator.control + "/sim/network", Map.of("online", wanted), false);
            assertEquals(200, answer.status(), answer.body().toString());
            online = wanted;
        }
    }

    private void awaitTerminalOnline() throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!simulator.get(simulator.api + "/api/v1/health", true).body().path("online").asBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                problems.add("the terminal did not come back online within " + DEADLINE.toSeconds() + " s");
                return;
            }
            Thread.sleep(50);
        }
    }

    private void awaitSettlementOfEverything() throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode health;
        do {
            health = simulator.get(simulator.api + "/api/v1/health", true).body();
            if (health.path("pendingSettlement").asInt(-1) == 0) {
                return;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        problems.add("settlement did not finish within " + DEADLINE.toSeconds() + " s: " + health);
    }

    // ---- the verdict -------------------------------------------------------------------------------------

    private static final class Figures {
        int approved;
        int approvedOnline;
        int approvedOffline;
        int approvedUnanswered;
        int declined;
        int expired;
        int settled;
        int failed;
        long settledUnits;
        int settlementTxs;
        long gas;
    }

    private Figures verify() throws Exception {
        Figures figures = new Figures();
        Map<String, List<Transfer>> toMerchantByPayer = new HashMap<>();
        Map<String, Integer> nonceUses = new HashMap<>();
        for (Log entry : tokenLogs()) {
            List<String> topics = entry.getTopics();
            if (topics.get(0).equals(TRANSFER) && topicAddress(topics.get(2)).equals(MERCHANT.hex())) {
                toMerchantByPayer.computeIfAbsent(topicAddress(topics.get(1)), k -> new ArrayList<>())
                        .add(new Transfer(entry.getTransactionHash(), Numeric.toBigInt(entry.getData()).longValueExact()));
            } else if (topics.get(0).equals(AUTHORIZATION_USED)) {
                nonceUses.merge(topicAddress(topics.get(1)) + "/" + topics.get(2).toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        nonceUses.forEach((use, count) -> check(count == 1, "authorization " + use + " used " + count + " times"));

        Map<Citizen, Long> settledFromCitizen = new HashMap<>();
        int transfersMatched = 0;
        for (Attempt attempt : attempts) {
            JsonNode payment = simulator.get(simulator.api + "/api/v1/payments/" + attempt.paymentId, true).body();
            if (!attempt.answered) {
                JsonNode byReference = byReference(attempt.reference);
                check(byReference != null && byReference.get("id").asText().equals(attempt.paymentId),
                        attempt.reference + ": not found by its reference");
            }
            String status = payment.get("status").asText();
            String settlement = payment.path("settlement").asText(null);
            if (attempt.answered && attempt.tillStatus != null) {
                check(status.equals(attempt.tillStatus), attempt.reference + ": the till heard " + attempt.tillStatus
                        + ", the journal says " + status);
            }
            if (!status.equals("APPROVED")) {
                if (status.equals("DECLINED")) {
                    figures.declined++;
                } else {
                    check(!attempt.answered && status.equals("EXPIRED"), attempt.reference + ": unexpected " + payment);
                    figures.expired++;
                }
                check(attempt.kind != Kind.HONEST || attempt.answered || !status.equals("DECLINED"),
                        attempt.reference + ": an honest payment, declined: " + payment);
                check(settlement == null, attempt.reference + " was never approved but has settlement " + payment);
                if (attempt.kind != Kind.REPLAY) {
                    check(!authorizationUsed(attempt), attempt.reference + " was never approved, yet its authorization"
                            + " was used on chain");
                }
                continue;
            }
            check(attempt.kind == Kind.HONEST, attempt.reference + " (" + attempt.kind + ") was approved: " + payment);
            figures.approved++;
            if (payment.get("offline").asBoolean()) {
                figures.approvedOffline++;
            } else {
                figures.approvedOnline++;
            }
            if (!attempt.answered) {
                figures.approvedUnanswered++;
            }
            if ("SETTLED".equals(settlement)) {
                figures.settled++;
                figures.settledUnits += attempt.units();
                settledFromCitizen.merge(attempt.citizen, attempt.units(), Long::sum);
                String txHash = payment.path("txHash").asText();
                List<Transfer> paid = toMerchantByPayer.getOrDefault(attempt.authorization.from().hex(), List.of());
                boolean matched = paid.size() == 1 && paid.get(0).txHash().equalsIgnoreCase(txHash)
                        && paid.get(0).units() == attempt.units();
                check(matched, attempt.reference + " is SETTLED in " + txHash + " for " + attempt.units()
                        + ", but the chain shows these transfers from its payer to the merchant: " + paid);
                transfersMatched += matched ? 1 : 0;
                check(authorizationUsed(attempt), attempt.reference + " is SETTLED, but its nonce is unused on chain");
            } else if ("FAILED".equals(settlement)) {
                figures.failed++;
                check(!payment.path("settlementReason").asText("").isBlank(), attempt.reference
                        + " FAILED without a reason: " + payment);
            } else {
                problems.add(attempt.reference + " was approved but is not settled: " + payment);
            }
        }
        int transfersToMerchant = toMerchantByPayer.values().stream().mapToInt(List::size).sum();
        check(transfersToMerchant == transfersMatched, transfersToMerchant + " transfers reached the merchant, but only "
                + transfersMatched + " belong to a SETTLED payment");

        // Every citizen's balance: what they were given, less what their own settled payment took. Nothing else.
        for (Citizen citizen : attempts.stream().map(a -> a.citizen).distinct().toList()) {
            long expected = citizen.funded() - settledFromCitizen.getOrDefault(citizen, 0L);
            long actual = chain.balanceOf(citizen.wallet().address().hex()).longValueExact();
            check(actual == expected, "citizen " + citizen.wallet().address().hex() + " holds " + actual + ", expected "
                    + expected);
        }
        long merchantGain = chain.balanceOf(MERCHANT.hex()).longValueExact();
        check(merchantGain == figures.settledUnits, "the merchant gained " + merchantGain + " on chain, the SETTLED"
                + " payments add up to " + figures.settledUnits);

        countSettlementGas(figures);
        return figures;
    }

    private record Transfer(String txHash, long units) {
    }

    private JsonNode byReference(String reference) throws Exception {
        // The till's own lookup: ?reference= (version 2 of the till API); filtered here too, for a terminal that
        // still lists everything.
        JsonNode listed = simulator.get(simulator.api + "/api/v1/payments?reference="
                + URLEncoder.encode(reference, StandardCharsets.UTF_8), true).body().get("payments");
        JsonNode found = null;
        for (JsonNode payment : listed) {
            if (payment.get("reference").asText().equals(reference)) {
                check(found == null, "two payments with reference " + reference);
                found = payment;
            }
        }
        return found;
    }

    private List<Log> tokenLogs() throws IOException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.ZERO), DefaultBlockParameterName.LATEST,
                chain.token());
        EthLog logs = chain.web3j().ethGetLogs(filter).send();
        if (logs.hasError()) {
            throw new IllegalStateException("eth_getLogs: " + logs.getError().getMessage());
        }
        return logs.getLogs().stream().map(result -> (Log) result.get()).toList();
    }

    private boolean authorizationUsed(Attempt attempt) throws IOException {
        Function state = new Function("authorizationState", List.of(
                new org.web3j.abi.datatypes.Address(attempt.authorization.from().hex()),
                new Bytes32(attempt.authorization.nonce().bytes())), List.of());
        String answer = chain.web3j().ethCall(Transaction.createEthCallTransaction(null, chain.token(),
                FunctionEncoder.encode(state)), DefaultBlockParameterName.LATEST).send().getValue();
        return Numeric.toBigInt(answer).signum() != 0;
    }

    /** Every transaction the merchant's settlement key sent, mined or reverted, and the gas it burnt. */
    private void countSettlementGas(Figures figures) throws IOException {
        long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        for (long number = 0; number <= head; number++) {
            EthBlock.Block block = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(
                    BigInteger.valueOf(number)), true).send().getBlock();
            for (EthBlock.TransactionResult<?> result : block.getTransactions()) {
                var transaction = (EthBlock.TransactionObject) result.get();
                if (MERCHANT.hex().equalsIgnoreCase(transaction.getFrom())) {
                    TransactionReceipt receipt = chain.web3j().ethGetTransactionReceipt(transaction.getHash()).send()
                            .getTransactionReceipt().orElseThrow();
                    figures.settlementTxs++;
                    figures.gas += receipt.getGasUsed().longValueExact();
                    check(receipt.isStatusOK(), "settlement transaction " + transaction.getHash() + " reverted");
                }
            }
        }
    }

    /** On a copy, so the check cannot change the file it checks. */
    private void verifyJournalHashChain(Path work) throws IOException {
        Path copy = Files.createDirectories(work.resolve("journal-copy"));
        for (String suffix : List.of("", "-wal")) {
            Path file = dataDir.resolve(Simulator.JOURNAL_FILE + suffix);
            if (Files.exists(file)) {
                Files.copy(file, copy.resolve(Simulator.JOURNAL_FILE + suffix));
            }
        }
        try (SqliteJournal journal = SqliteJournal.open(copy.resolve(Simulator.JOURNAL_FILE), List.of(token))) {
            Optional<Long> broken = journal.firstBrokenLink();
            check(broken.isEmpty(), "the journal's hash chain breaks at redemption " + broken.orElse(-1L));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private void check(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    private double medianMillis(boolean offline) {
        List<Long> sorted = decisionMicros.getOrDefault(offline, List.of()).stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2) / 1000.0;
    }

    private String killSummary() {
        Map<KillMode, Long> byMode = new LinkedHashMap<>();
        for (KillMode mode : KillMode.values()) {
            byMode.put(mode, kills.stream().filter(k -> k.mode() == mode).count());
        }
        return byMode.entrySet().stream().map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + e.getValue())
                .reduce((a, b) -> a + " " + b).orElse("");
    }

    private static String topicAddress(String topic) {
        return "0x" + topic.substring(topic.length() - 40).toLowerCase(Locale.ROOT);
    }

    private static String decimal(long units) {
        return String.format(Locale.ROOT, "%d.%02d", units / 100, units % 100);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
