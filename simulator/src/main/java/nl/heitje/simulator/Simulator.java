package nl.heitje.simulator;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nl.heitje.config.ConfigFile;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.Terminal;

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
            ConfigFile.write(configFile, terminalSettings(chain, network, options, apiToken),
                    "Written by the simulator: a dev chain, dev keys, nothing of value.");
            TerminalConfig config = TerminalConfig.load(configFile);
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

    private static Map<String, String> terminalSettings(LocalChain chain, NetworkSwitch network, Options options,
                                                        String apiToken) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("merchant.address", LocalChain.MERCHANT.getAddress());
        settings.put("tokens", LocalChain.TOKEN_SYMBOL);
        String prefix = "token." + LocalChain.TOKEN_SYMBOL + ".";
        settings.put(prefix + "chainId", Long.toString(LocalChain.CHAIN_ID));
        settings.put(prefix + "contract", chain.token());
        settings.put(prefix + "name", LocalChain.TOKEN_NAME);
        settings.put(prefix + "version", LocalChain.TOKEN_VERSION);
        settings.put(prefix + "decimals", Integer.toString(LocalChain.DECIMALS));
        // The terminal reaches the chain through the switch, so /sim/network can cut it.
        settings.put("chain.rpcUrl", "http://127.0.0.1:" + network.port());
        settings.put("chain.batchContract", chain.batcher());
        settings.put("chain.probeIntervalMillis", "1000");
        settings.put("chain.requestTimeoutMillis", "2000");
        settings.put("settlement.privateKey", "0x" + LocalChain.MERCHANT.getEcKeyPair().getPrivateKey().toString(16));
        settings.put("settlement.intervalMillis", Long.toString(options.settlementIntervalMillis()));
        settings.put("till.host", "127.0.0.1");
        settings.put("till.port", Integer.toString(options.apiPort()));
        settings.put("till.apiToken", apiToken);
        settings.put("storage.journal", options.dataDir().resolve("journal.db").toString());
        settings.put("storage.denyList", options.dataDir().resolve("deny-list.txt").toString());
        settings.putAll(options.overrides());
        return settings;
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
