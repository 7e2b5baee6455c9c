package nl.heitje.simulator;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** How the simulator is started. */
    /** @param overrides config keys set on top of the simulator's own (benchmarks raise the offline limits) */
    public record Options(Path chainDir, Path dataDir, int controlPort, int apiPort, long settlementIntervalMillis,
                          Map<String, String> overrides) {
    }

    private final LocalChain chain;
    private final NetworkSwitch network;
    private final SimulatedQrScanner scanner;
    private final Terminal terminal;
    private final SimulatorControlApi control;
    private final String apiToken;

    private Simulator(LocalChain chain, NetworkSwitch network, SimulatedQrScanner scanner, Terminal terminal,
                      SimulatorControlApi control, String apiToken) {
        this.chain = chain;
        this.network = network;
        this.scanner = scanner;
        this.terminal = terminal;
        this.control = control;
        this.apiToken = apiToken;
    }

    public static Simulator start(Options options) {
        LocalChain chain = LocalChain.start(options.chainDir());
        NetworkSwitch network = null;
        Terminal terminal = null;
        try {
            network = new NetworkSwitch(chain.port());
            String apiToken = randomHex(24);
            Path configFile = options.dataDir().resolve("terminal.properties");
            terminalSettings(chain, network, options, apiToken)
                    .write(configFile, "Written by the simulator: a dev chain, dev keys, nothing of value.");
            TerminalConfig config = TerminalConfig.load(configFile);
            reissueDenyList(config.storage().denyList(), Clock.systemUTC());
            forgetTheLastChainsSnapshot(config.snapshot().file());
            SimulatedQrScanner scanner = new SimulatedQrScanner();
            terminal = Terminal.start(config, List.of(scanner), Clock.systemUTC());
            SimulatorControlApi control = new SimulatorControlApi(options.controlPort(), chain, network, scanner,
                    terminal).start();
            return new Simulator(chain, network, scanner, terminal, control, apiToken);
        } catch (RuntimeException failed) {
            if (terminal != null) {
                terminal.close();
            }
            if (network != null) {
                network.close();
            }
            chain.close();
            throw failed;
        }
    }

    private static TerminalConfigDraft terminalSettings(LocalChain chain, NetworkSwitch network, Options options,
                                                        String apiToken) {
        return new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token(LocalChain.TOKEN_SYMBOL, LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS)
                // The terminal reaches the chain through the switch, so /sim/network can cut it.
                .chain("http://127.0.0.1:" + network.port(), chain.batcher())
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
                // ...so the holder snapshot may read right up to the head, too.
                .set("snapshot.confirmations", "0")
                .till("127.0.0.1", options.apiPort(), apiToken)
                .journal(options.dataDir().resolve("journal.db"))
                .denyListIssuer(DenyListIssuer.municipality().address().hex())
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
        return scanner;
    }

    public NetworkSwitch network() {
        return network;
    }

    @Override
    public void close() {
        control.close();
        terminal.close();
        network.close();
        chain.close();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
