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

    /**
     * How the simulator is started.
     *
     * @param overrides config keys set on top of everything else (benchmarks raise the offline limits)
     * @param chainRpc  a running dev chain to use instead of starting anvil; its deployment is recorded in the data
     *                  directory and reused by later starts on it
     */
    public record Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                          Map<String, String> overrides, Optional<String> chainRpc) {
        /** Starts its own anvil. */
        public Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                       Map<String, String> overrides) {
            this(chainDir, dataDir, controlPort, apiPort, settlementIntervalMillis, overrides, Optional.empty());
        }
    }

    private final LocalChain chain;
    private final NetworkSwitch network;
    private final SimulatedCounter counter;
    private final Terminal terminal;
    private final SimulatorControlApi control;
    private final String apiToken;

    private Simulator(LocalChain chain, NetworkSwitch network, SimulatedCounter counter, Terminal terminal,
                      SimulatorControlApi control, String apiToken) {
        this.chain = chain;
        this.network = network;
        this.counter = counter;
        this.terminal = terminal;
        this.control = control;
        this.apiToken = apiToken;
    }

    /**
     * Starts everything. With {@link Options#chainRpc} it uses that chain, else it starts anvil of its own.
     *
     * @throws StartRefusedException when the chain or the data directory cannot be used (a one-line reason)
     */
    public static Simulator start(Options options) {
        LocalChain chain = options.chainRpc()
                .map(url -> LocalChain.attach(url, options.chainDir(), options.dataDir().resolve(CHAIN_RECORD)))
                .orElseGet(() -> LocalChain.start(options.chainDir()));
        NetworkSwitch network = null;
        Terminal terminal = null;
        SimulatedCounter counter = null;
        try {
            network = new NetworkSwitch(chain.port());
            Path configFile = options.dataDir().resolve(CONFIG_FILE);
            TerminalConfigDraft settings = terminalSettings(chain, network, options, keptSettings(configFile));
            AtomicFiles.replace(configFile, file ->
                    settings.write(file, "Written by the simulator: a dev chain, dev keys, nothing of value."));
            TerminalConfig config = TerminalConfig.load(configFile);
            reissueDenyList(config.storage().denyList(), Clock.systemUTC());
            if (options.chainRpc().isEmpty()) {
                // A new anvil of our own: the token sits at the same address, but the old snapshot is another chain's.
                forgetTheLastChainsSnapshot(config.snapshot().file());
            }
            counter = new SimulatedCounter(config, Clock.systemUTC());
            terminal = Terminal.start(config, counter.devices(), Clock.systemUTC());
            counter.attach(terminal);
            SimulatorControlApi control = new SimulatorControlApi(options.controlPort(), chain, network, counter,
                    terminal).start();
            return new Simulator(chain, network, counter, terminal, control, config.till().apiToken());
        } catch (RuntimeException failed) {
            if (terminal != null) {
                terminal.close();
            }
            if (counter != null) {
                counter.close();
            }
            if (network != null) {
                network.close();
            }
            chain.close();
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
     * what this start decides (the chain through this start's network switch, the contracts, the till port, the
     * journal in the data directory), then the caller's overrides.
     */
    private static TerminalConfigDraft terminalSettings(LocalChain chain, NetworkSwitch network, Options options,
                                                        Map<String, String> kept) {
        String tokenPrefix = "token." + LocalChain.TOKEN_SYMBOL + ".";
        return new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token(LocalChain.TOKEN_SYMBOL, LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS)
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
                .setAll(kept)
                // The terminal reaches the chain through the switch, so /sim/network can cut it.
                .chain("http://127.0.0.1:" + network.port(), chain.batcher())
                .set(tokenPrefix + "contract", chain.token())
                .set("till.host", "127.0.0.1")
                .set("till.port", Integer.toString(options.apiPort()))
                .journal(options.dataDir().resolve(JOURNAL_FILE))
                .setAll(SimulatedCounter.settings())
                .setAll(options.overrides());
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

    public Terminal terminal() {
        return terminal;
    }

    public LocalChain chain() {
        return chain;
    }

    public SimulatedQrScanner scanner() {
        return counter.scanner();
    }

    public NetworkSwitch network() {
        return network;
    }

    @Override
    public void close() {
        control.close();
        terminal.close();
        counter.close();
        network.close();
        chain.close();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
