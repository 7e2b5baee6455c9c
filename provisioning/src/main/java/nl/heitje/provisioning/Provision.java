// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Onboards a merchant's terminal: {@code provision init} creates the terminal's settlement key and till API
 * token and writes the one config file the terminal reads, then reads it back exactly as the terminal will.
 */
@Command(name = "provision", mixinStandardHelpOptions = true, subcommands = Provision.Init.class,
        description = "Onboards a Heitje terminal for a merchant.")
public final class Provision implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand, e.g. init");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Provision()).execute(args));
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Creates keys and writes terminal.properties for one merchant and one token.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "Where to write terminal.properties.")
        Path config;
        @Option(names = "--merchant", required = true, description = "The merchant's payee address (0x...).")
        String merchant;
        @Option(names = "--rpc-url", required = true, description = "JSON-RPC URL of the chain.")
        String rpcUrl;
        @Option(names = "--chain-id", required = true, description = "EVM chain id.")
        long chainId;
        @Option(names = "--token", required = true, description = "Token contract address.")
        String token;
        @Option(names = "--token-symbol", defaultValue = "HEIT")
        String symbol;
        @Option(names = "--token-name", defaultValue = "Heerlens Heitje", description = "EIP-712 domain name.")
        String tokenName;
        @Option(names = "--token-version", defaultValue = "1", description = "EIP-712 domain version.")
        String tokenVersion;
        @Option(names = "--decimals", defaultValue = "2")
        int decimals;
        @Option(names = "--batch-contract", description = "Multicall3-compatible aggregate3 contract; omit to settle one by one.")
        String batchContract;
        @Option(names = "--journal", defaultValue = "/var/lib/heitje/journal.db")
        Path journal;
        @Option(names = "--deny-list-issuer", description = "The municipal signer of the deny-list (0x...);"
                + " without it the terminal refuses every offline approval.")
        String denyListIssuer;
        @Option(names = "--deny-list-url", description = "Where the terminal fetches the signed deny-list (https).")
        String denyListUrl;
        @Option(names = "--force", description = "Overwrite an existing config (its keys are lost).")
        boolean force;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (Files.exists(config) && !force) {
                spec.commandLine().getErr().println("provision: " + config
                        + " exists; it holds this terminal's keys. Use --force to replace it.");
                return 1;
            }
            SecureRandom random = new SecureRandom();
            ECKeyPair settlementKey = Keys.createEcKeyPair(random);
            byte[] apiTokenBytes = new byte[24];
            random.nextBytes(apiTokenBytes);
            String apiToken = HexFormat.of().formatHex(apiTokenBytes);
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(merchant)
                    .token(symbol, chainId, token, tokenName, tokenVersion, decimals)
                    .chain(rpcUrl, batchContract)
                    .settlementKey(settlementKey.getPrivateKey())
                    .set("till.apiToken", apiToken)
                    .journal(journal);
            if (denyListIssuer != null) {
                settings.denyListIssuer(denyListIssuer);
            }
            if (denyListUrl != null) {
                settings.denyListUrl(denyListUrl);
            }
            // Written beside the target and read back exactly as the terminal will, so a bad argument fails here,
            // not at the counter, and never leaves a broken config where the terminal looks for one.
            Path draft = config.resolveSibling(config.getFileName() + ".draft");
            try {
                settings.write(draft, "Heitje terminal config, written by provision init. Keep it secret.");
                TerminalConfig.load(draft);
                Files.move(draft, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(draft);
            }
            out.println("config written: " + config);
            out.println("settlement account (fund it with gas): 0x" + Keys.getAddress(settlementKey.getPublicKey()));
            out.println("till API token: " + apiToken);
            if (denyListIssuer == null) {
                out.println("no --deny-list-issuer: this terminal refuses offline approvals until one is configured");
            }
            return 0;
        }
    }
}
