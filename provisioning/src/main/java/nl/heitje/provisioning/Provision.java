// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.exception.CipherException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Onboards a merchant's terminal: {@code provision init} creates the terminal's settlement key in an encrypted
 * keystore and the till API token, and writes the one config file the terminal reads, then reads it back exactly as
 * the terminal will.
 */
@Command(name = "provision", mixinStandardHelpOptions = true, subcommands = {Provision.Init.class, Check.class, Sticker.class},
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
        @Option(names = "--force", description = "Overwrite an existing config (a new till API token; the settlement"
                + " key in the keystore is kept unless --rotate-key).")
        boolean force;
        @Option(names = "--password-file", description = "A file holding the keystore password (at least "
                + TerminalKeystore.MIN_PASSWORD_LENGTH + " characters); without it the password is asked on the"
                + " console. Never give a password on the command line.")
        Path passwordFile;
        @Option(names = "--rotate-key", description = "Replace the terminal's settlement key with a new one (the old"
                + " account must be emptied first); without it an existing keystore is kept.")
        boolean rotateKey;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (Files.exists(config) && !force) {
                return fail(config + " exists; it holds this terminal's till API token. Use --force to replace it"
                        + " (the keystore is kept unless --rotate-key).");
            }
            Path keystore = config.toAbsolutePath().resolveSibling(KEYSTORE_FILE);
            if (Files.isSymbolicLink(keystore)) {
                return fail(keystore + " is a symbolic link; refusing to follow it");
            }
            String password = password();
            if (password == null) {
                return 1;
            }
            String weakness = TerminalKeystore.weakness(password);
            if (weakness != null) {
                return fail(weakness);
            }
            SecureRandom random = new SecureRandom();
            boolean keepKey = Files.exists(keystore, LinkOption.NOFOLLOW_LINKS) && !rotateKey;
            ECKeyPair settlementKey;
            if (keepKey) {
                try {
                    settlementKey = TerminalKeystore.open(keystore, password).getEcKeyPair();
                } catch (CipherException wrongPassword) {
                    return fail("the password does not open the existing keystore " + keystore
                            + " (give its password, or --rotate-key for a new key)");
                } catch (IOException | RuntimeException unreadable) {
                    return fail("cannot read the existing keystore " + keystore + " as an Ethereum v3 keystore"
                            + " (--rotate-key replaces it with a new key)");
                }
            } else {
                settlementKey = Keys.createEcKeyPair(random);
            }
            byte[] apiTokenBytes = new byte[24];
            random.nextBytes(apiTokenBytes);
            String apiToken = HexFormat.of().formatHex(apiTokenBytes);
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(merchant)
                    .token(symbol, chainId, token, tokenName, tokenVersion, decimals)
                    .chain(rpcUrl, batchContract)
                    .settlementKeystore(keystore)
                    .set("till.apiToken", apiToken)
                    .journal(journal);
            if (passwordFile != null) {
                settings.set("settlement.passwordFile", passwordFile.toAbsolutePath().toString());
            }
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
                TerminalConfig.load(draft, serviceEnvironment());
                if (!keepKey) {
                    TerminalKeystore.write(keystore, password, settlementKey);
                }
                Files.move(draft, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(draft);
            }
            out.println("config written: " + config);
            out.println((keepKey ? "keystore kept: " : "keystore written: ") + keystore);
            out.println("terminal address: 0x" + Keys.getAddress(settlementKey.getPublicKey()));
            out.println("till API token: " + apiToken);
            if (denyListIssuer == null) {
                out.println("no --deny-list-issuer: this terminal refuses offline approvals until one is configured");
            }
            return 0;
        }

        private int fail(String problem) {
            spec.commandLine().getErr().println("provision: " + problem);
            spec.commandLine().getErr().flush();
            return 1;
        }

        /** From --password-file, or asked twice on the console; null (after saying why) when there is neither. */
        private String password() throws IOException {
            if (passwordFile != null) {
                try {
                    return PasswordFile.read(passwordFile);
                } catch (IOException e) {
                    fail("cannot read the password file " + passwordFile);
                    return null;
                }
            }
            Console console = System.console();
            if (console == null) {
                fail("no console to ask the keystore password on: give --password-file FILE");
                return null;
            }
            char[] first = console.readPassword("keystore password (at least %d characters): ",
                    TerminalKeystore.MIN_PASSWORD_LENGTH);
            char[] again = console.readPassword("the same password again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                fail("the two passwords differ");
                return null;
            }
            return new String(first);
        }

        /**
         * The environment the terminal service will have: without a password file in the config, systemd hands the
         * password over as a credential, so the draft is checked as if under systemd.
         */
        private Map<String, String> serviceEnvironment() {
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.putIfAbsent("CREDENTIALS_DIRECTORY", "/run/credentials/heitje-terminal.service");
            return environment;
        }
    }

    /** The keystore's name, beside the config file. */
    static final String KEYSTORE_FILE = "keystore.json";
}
