// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.file.SignedDenyListStore;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.port.DenyListInbox;

/**
 * The real terminal service wired to simulated devices and a real local chain, plus the control API that plays
 * the citizen, the network and the hardware. Closing it stops everything it started, anvil included.
 */
public final class Simulator implements AutoCloseable {

    /** The terminal's config in the data directory; kept across starts (see {@link #terminalSettings}). */
    public static final String CONFIG_FILE = "terminal.properties";
    public static final String JOURNAL_FILE = "journal.db";
    /** Where a start with {@code chainRpc} records the contracts it deployed, for later starts to reuse. */
    public static final String CHAIN_RECORD = DevDeployment.FILE;

    /** The simulated merchant's kind when nobody says otherwise: a bar, which no purpose-bound purse may pay. */
    public static final String DEFAULT_MERCHANT_CATEGORY = "horeca";
    /**
     * The system property that leaves the second chain's purse (MSTR) out of the terminal's config when false (it is
     * deployed and served by the control API either way): for a look at a single-chain terminal.
     */
    public static final String SECOND_CHAIN_PROPERTY = "heitje.sim.secondChain";

    /**
     * How the simulator is started.
     *
     * @param overrides             config keys set on top of everything else (benchmarks raise the offline limits)
     * @param chainRpc              a running dev chain to use instead of starting anvil; its deployment is recorded in
     *                              the data directory and reused by later starts on it. The second chain is started
     *                              by the simulator either way.
     * @param merchantCategory      the simulated merchant's {@code merchant.category}
     * @param secondChainInTerminal whether the terminal is told of the second chain's purse (it is deployed and
     *                              served by the control API either way)
     */
    public record Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                          Map<String, String> overrides, Optional<String> chainRpc, String merchantCategory,
                          boolean secondChainInTerminal) {
        /** Starts its own anvil. */
        public Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                       Map<String, String> overrides) {
            this(chainDir, dataDir, controlPort, apiPort, settlementIntervalMillis, overrides, Optional.empty());
        }

        /** A bar taking every purse on both chains ({@value #SECOND_CHAIN_PROPERTY}{@code =false} leaves out the second). */
        public Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                       Map<String, String> overrides, Optional<String> chainRpc) {
            this(chainDir, dataDir, controlPort, apiPort, settlementIntervalMillis, overrides, chainRpc,
                    DEFAULT_MERCHANT_CATEGORY,
                    Boolean.parseBoolean(System.getProperty(SECOND_CHAIN_PROPERTY, "true")));
        }
    }

    private final SimulatedChains chains;
    private final SimulatedCounter counter;
    private final Terminal terminal;
    private final SimulatorControlApi control;
    private final String apiToken;

    private Simulator(SimulatedChains chains, SimulatedCounter counter, Terminal terminal,
                      SimulatorControlApi control, String apiToken) {
        this.chains = chains;
        this.counter = counter;
        this.terminal = terminal;
        this.control = control;
        this.apiToken = apiToken;
    }

    /**
     * Starts everything. With {@link Options#chainRpc} it uses that chain as the first, else it starts anvil of its
     * own; the second chain is always its own.
     *
     * @throws StartRefusedException when the chain or the data directory cannot be used (a one-line reason)
     */
    public static Simulator start(Options options) {
        SimulatedChains chains = SimulatedChains.start(options.chainDir(), options.chainRpc(),
                options.dataDir().resolve(CHAIN_RECORD));
        Terminal terminal = null;
        SimulatedCounter counter = null;
        try {
            Path configFile = options.dataDir().resolve(CONFIG_FILE);
            TerminalConfigDraft settings = terminalSettings(chains, options, keptSettings(configFile));
            AtomicFiles.replace(configFile, file ->
                    settings.write(file, "Written by the simulator: a dev chain, dev keys, nothing of value."));
            TerminalConfig config = TerminalConfig.load(configFile);
            reissueDenyList(config.storage().denyList(), Clock.systemUTC());
            PurseIssuers.publish(config, chains.purses(), Clock.systemUTC());
            if (options.chainRpc().isEmpty() || options.secondChainInTerminal()) {
                // A new anvil of our own (the second chain's is new on every start): the tokens sit at the same
                // addresses, but the old snapshot is of chains that are gone.
                forgetTheLastChainsSnapshot(config.snapshot().file());
            }
            counter = new SimulatedCounter(config, Clock.systemUTC());
            terminal = Terminal.start(config, counter.devices(), Clock.systemUTC());
            counter.attach(terminal);
            SimulatorControlApi control = new SimulatorControlApi(options.controlPort(), chains, counter, terminal)
                    .start();
            return new Simulator(chains, counter, terminal, control, config.till().apiToken());
        } catch (RuntimeException failed) {
            if (terminal != null) {
                terminal.close();
            }
            if (counter != null) {
                counter.close();
            }
            chains.close();
            throw failed;
        }
    }

    /** What the config file in the data directory holds from an earlier start; nothing on a first start. */
    private static Map<String, String> keptSettings(Path configFile) {
        if (!Files.exists(configFile)) {
            return Map.of();
        }
        Properties kept = new Properties();
        try (var reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            kept.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartRefusedException("cannot read " + configFile + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        kept.stringPropertyNames().forEach(key -> values.put(key, kept.getProperty(key)));
        return values;
    }

    /**
     * The terminal's config, in layers: the simulator's defaults (a new random till API token among them), then what
     * the data directory's config file already holds (its API token, and any setting a developer edited there), then
     * what this start decides (the purses and their chains through this start's network switches, the till port, the
     * journal in the data directory), then the caller's overrides.
     */
    static TerminalConfigDraft terminalSettings(SimulatedChains chains, Options options,
                                                        Map<String, String> kept) {
        LocalChain first = chains.first();
        List<DevPurse> accepted = chains.purses().stream()
                .filter(purse -> purse.chainId() == first.chainId() || options.secondChainInTerminal()).toList();
        TerminalConfigDraft draft = new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .set("chain.probeIntervalMillis", "1000")
                // Generous: on a busy machine a local anvil can take seconds to answer, and a timed-out read turns
                // the terminal offline, so a payment meant to be decided online would be decided offline instead.
                // Going offline in the simulator is /sim/network's cut, which fails at once, not by a timeout.
                .set("chain.requestTimeoutMillis", "15000")
                // anvil mines only when a transaction comes, so its newest block may be hours old while the chain is
                // perfectly live; a year of lag leaves only the clock check's other half (our clock not behind it).
                .set("clock.maxBlockLagSeconds", "31536000")
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                .set("settlement.intervalMillis", Long.toString(options.settlementIntervalMillis()))
                // A dev chain mines on demand and never reorganises by itself: the receipt is final.
                .set("settlement.confirmations", "0")
                .set("settlement.retryBackoffMillis", "500")
                .set("settlement.onlinePromptSeconds", "1")
                // A busy CI machine must not turn an online decision into an offline one; the budget has its own test.
                .set("chain.paymentLookupBudgetMillis", "15000")
                // A dev chain never reorganises by itself: the holder snapshot may read right up to the head.
                .set("snapshot.confirmations", "0")
                .till("127.0.0.1", options.apiPort(), randomHex(24))
                .denyListIssuer(DenyListIssuer.municipality().address().hex())
                .setAll(StaffScreenRun.DEMO_SETTINGS)
                .setAll(withoutOtherPurses(kept, accepted))
                // The terminal reaches each chain through its switch, so /sim/network can cut it.
                .chain(switchUrl(chains, first.chainId()), first.batcher())
                .set("tokens", String.join(",", accepted.stream().map(DevPurse::symbol).toList()));
        for (DevPurse purse : accepted) {
            String prefix = "token." + purse.symbol() + ".";
            PurseIssuers.of(purse).ifPresent(issuer -> draft.set(prefix + "issuer", issuer.address().hex()));
            draft.set(prefix + "chainId", Long.toString(purse.chainId()))
                    .set(prefix + "contract", purse.contract())
                    .set(prefix + "name", purse.name())
                    .set(prefix + "version", purse.version())
                    .set(prefix + "decimals", Integer.toString(purse.decimals()))
                    .set(prefix + "deployBlock", Long.toString(chains.chainOf(purse).deployBlock(purse.symbol())));
        }
        accepted.stream().map(DevPurse::chainId).distinct().filter(id -> id != first.chainId()).forEach(id -> draft
                .set("chain." + id + ".rpcUrl", switchUrl(chains, id))
                .set("chain." + id + ".batchContract", chains.chain(id).orElseThrow().batcher()));
        return draft
                .set("merchant.category", options.merchantCategory())
                // So a developer can open /merchant/ at once (docs/merchant-web.md); a real shop sets its own.
                .set("merchant.passwordHash", nl.heitje.config.SlowHash.hash(
                        "heitje-merchant".toCharArray(), new java.security.SecureRandom()))
                .set("till.host", "127.0.0.1")
                .set("till.port", Integer.toString(options.apiPort()))
                .journal(options.dataDir().resolve(JOURNAL_FILE))
                .setAll(SimulatedCounter.settings())
                .setAll(nl.heitje.simulator.devices.SimulatedPrinter.settings(options.dataDir()))
                .setAll(options.overrides());
    }

    private static String switchUrl(SimulatedChains chains, long chainId) {
        return "http://127.0.0.1:" + chains.network(chainId).orElseThrow().port();
    }

    /**
     * The kept settings but those of a purse or chain this start does not configure (an earlier start's with the
     * second chain on): the terminal refuses keys it does not read.
     */
    private static Map<String, String> withoutOtherPurses(Map<String, String> kept, List<DevPurse> accepted) {
        Set<String> symbols = accepted.stream().map(DevPurse::symbol).collect(java.util.stream.Collectors.toSet());
        Set<String> chainIds = accepted.stream().map(purse -> Long.toString(purse.chainId()))
                .collect(java.util.stream.Collectors.toSet());
        Map<String, String> stillRead = new HashMap<>();
        kept.forEach((key, value) -> {
            String[] parts = key.split("\\.", 3);
            boolean otherPurse = parts.length == 3 && parts[0].equals("token") && !symbols.contains(parts[1]);
            boolean otherChain = parts.length == 3 && parts[0].equals("chain") && parts[1].matches("[0-9]+")
                    && !chainIds.contains(parts[1]);
            if (!otherPurse && !otherChain) {
                stillRead.put(key, value);
            }
        });
        return stillRead;
    }

    /**
     * Plays the municipality at start-up: re-signs the list the data directory holds (or an empty one) with the next
     * sequence and today's date, so offline approvals work however long ago the directory was last used.
     */
    private static void reissueDenyList(TerminalConfig.DenyListSettings settings, Clock clock) {
        DenyListIssuer municipality = DenyListIssuer.municipality();
        SignedDenyListStore store = SignedDenyListStore.open(settings.file(), Optional.of(municipality.address()),
                settings.chainId(), settings.maxAge(), clock);
        Optional<DenyListDocument> held = store.list();
        byte[] next = municipality.issue(held.map(list -> list.sequence() + 1).orElse(1L), clock.instant(),
                held.map(DenyListDocument::denied).orElse(Set.of()));
        DenyListInbox.Acceptance acceptance = store.offer(next);
        if (!(acceptance instanceof DenyListInbox.Acceptance.Accepted)) {
            throw new IllegalStateException("the simulator's own deny-list was refused: " + acceptance);
        }
    }

    /**
     * Every start is a fresh anvil with the token at the same address: a holder snapshot kept in the data directory
     * from an earlier run holds balances of a chain that is gone. The terminal would notice (the block hashes differ)
     * and stop syncing; starting without it lets it rebuild from block 0.
     */
    private static void forgetTheLastChainsSnapshot(Path file) {
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                java.nio.file.Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot remove the last run's holder snapshot " + file, e);
        }
    }

    public String readyLine() {
        return "simulator ready: control=http://127.0.0.1:" + control.port() + " api=http://127.0.0.1:"
                + terminal.tillPort() + " token=" + apiToken;
    }

    /** The control API's port on 127.0.0.1. */
    public int controlPort() {
        return control.port();
    }

    public Terminal terminal() {
        return terminal;
    }

    /** The first chain: HEIT's, the terminal's first token's. */
    public LocalChain chain() {
        return chains.first();
    }

    /** Every chain, switch and purse. */
    public SimulatedChains chains() {
        return chains;
    }

    public List<DevPurse> purses() {
        return chains.purses();
    }

    public SimulatedQrScanner scanner() {
        return counter.scanner();
    }

    /** The first chain's network switch. */
    public NetworkSwitch network() {
        return chains.network(chains.first().chainId()).orElseThrow();
    }

    @Override
    public void close() {
        control.close();
        terminal.close();
        counter.close();
        chains.close();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
