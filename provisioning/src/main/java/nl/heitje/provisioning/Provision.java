// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import nl.heitje.config.ConfigException;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.exception.CipherException;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import java.security.cert.Certificate;
import nl.heitje.terminal.crypto.SelfSignedCertificate;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Onboards a merchant's terminal: {@code provision init} checks the chain and its tokens, creates the terminal's
 * settlement key in an encrypted keystore, the till API token and the first manager PIN, and writes the one config
 * file the terminal reads, then reads it back exactly as the terminal will; {@code provision register} produces the
 * merchant's signed registration request for the municipality.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
        subcommands = {Provision.Init.class, Register.class, Check.class, Sticker.class,
                MerchantPassword.class},
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

    @Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Creates the terminal's key (encrypted keystore), the till API token and the first manager"
                    + " PIN, checks each token on the chain, and writes DIR/terminal.properties.",
                    "Prints one line on standard output: terminal address: 0x...; everything else goes to standard"
                    + " error. Any bad input ends with one line, a non-zero exit, and nothing written.",
                    "Values not given as options are asked on the console, unless --non-interactive."})
    static final class Init implements Callable<Integer> {
        @Option(names = "--non-interactive", description = "Never ask: a missing value or password is an error"
                + " (for scripts).")
        boolean nonInteractive;
        @Option(names = "--dir", description = "The terminal's directory (it must exist): terminal.properties,"
                + " keystore.json and the journal (journal.db) live here, e.g. /etc/heitje.")
        Path dir;
        @Option(names = "--merchant-name", description = "The shop's name, as registered with the KvK.")
        String merchantName;
        @Option(names = "--kvk", description = "The shop's Chamber of Commerce (KvK) number: 8 digits.")
        String kvk;
        @Option(names = "--payout", description = "The merchant's address (0x...): payments are made out to it and"
                + " settle into it. The terminal's own key only signs and pays gas; it never holds the takings.")
        String payout;
        @Option(names = "--chain-rpc", description = "JSON-RPC URL of the chain (https; plain http only to this"
                + " machine). The chain id and every token's EIP-712 domain are read from it.")
        String chainRpc;
        @Option(names = "--chain-id", description = "The chain id you expect; refused if the RPC's chain differs.")
        Long expectedChainId;
        @Option(names = "--token", description = "An accepted EIP-3009 token contract (0x...); repeat for several,"
                + " the first is the one payments are asked in.")
        List<String> tokens;
        @Option(names = "--batcher", description = "Multicall3-compatible aggregate3 contract for batched settlement;"
                + " omit to settle one transaction per payment.")
        String batcher;
        @Option(names = "--deny-list-issuer", description = "The municipal signer of the deny-list (0x...);"
                + " without it the terminal refuses every offline approval.")
        String denyListIssuer;
        @Option(names = "--deny-list-url", description = "Where the terminal fetches the signed deny-list (https).")
        String denyListUrl;
        @Option(names = "--password-file", description = "A file holding the keystore password (at least "
                + TerminalKeystore.MIN_PASSWORD_LENGTH + " characters); without it the password is asked on the"
                + " console. Never give a password on the command line.")
        Path passwordFile;
        @Option(names = "--service-group", description = "The group the terminal service runs in (the package's:"
                + " heitje): the config and the keystore are created readable by it too (0640), from the start;"
                + " without it they are readable by their owner only (0600).")
        String serviceGroup;
        @Option(names = "--rotate-key", description = "Replace the terminal's settlement key with a new one (the old"
                + " account must be emptied first); without it an existing keystore is kept.")
        boolean rotateKey;
        @Option(names = "--till-hostname", description = "The name the till reaches this terminal by, put in the"
                + " till API's certificate (with NAME.local and localhost); by default this machine's host name.")
        String tillHostname;
        @Option(names = "--rotate-tls", description = "Replace the till API's certificate with a new one (the till"
                + " must then pin the new fingerprint); without it an existing one is kept.")
        boolean rotateTls;
        @Option(names = "--force", description = "Overwrite an existing terminal.properties (a new till API token and"
                + " manager PIN; the key in the keystore is kept unless --rotate-key).")
        boolean force;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                return initialise();
            } catch (Refusal refusal) {
                return fail(refusal.getMessage());
            }
        }

        private int initialise() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            dir = Path.of(value(dir == null ? null : dir.toString(), "--dir", "terminal directory"));
            merchantName = value(merchantName, "--merchant-name", "shop name (as registered with the KvK)").strip();
            kvk = value(kvk, "--kvk", "KvK number (8 digits)").strip();
            payout = value(payout, "--payout", "payout address (0x...)");
            chainRpc = value(chainRpc, "--chain-rpc", "chain RPC URL");
            if (tokens == null || tokens.isEmpty()) {
                tokens = List.of(value(null, "--token", "token contract (0x...)"));
            }
            if (merchantName.isEmpty() || merchantName.chars().anyMatch(Character::isISOControl)) {
                throw new Refusal("--merchant-name must be one line of text");
            }
            if (!kvk.matches("[0-9]{8}")) {
                throw new Refusal("--kvk must be the 8 digits of a KvK number, not " + kvk);
            }
            Address payoutAddress = address("--payout", payout);
            List<Address> tokenAddresses = new ArrayList<>();
            for (String token : tokens) {
                tokenAddresses.add(address("--token", token));
            }
            Address batcherAddress = batcher == null ? null : address("--batcher", batcher);
            URI rpc = rpcUri(chainRpc);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refusal(dir + " is not a directory (create it first, e.g. install -d -m 700 " + dir + ")");
            }
            Path config = dir.resolve(CONFIG_FILE);
            if (Files.exists(config, LinkOption.NOFOLLOW_LINKS) && !force) {
                throw new Refusal(config + " exists; it holds this terminal's till API token. Use --force to replace"
                        + " it (the keystore is kept unless --rotate-key).");
            }
            Path keystore = dir.resolve(KEYSTORE_FILE);
            if (Files.isSymbolicLink(keystore)) {
                throw new Refusal(keystore + " is a symbolic link; refusing to follow it");
            }
            if (serviceGroup != null) {
                try {
                    java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
                            .lookupPrincipalByGroupName(serviceGroup);
                } catch (IOException noSuchGroup) {
                    throw new Refusal("--service-group: no group named " + serviceGroup + " on this system");
                }
            }
            String password = password();
            String weakness = TerminalKeystore.weakness(password);
            if (weakness != null) {
                throw new Refusal(weakness);
            }
            boolean keepKey = Files.exists(keystore, LinkOption.NOFOLLOW_LINKS) && !rotateKey;
            ECKeyPair settlementKey = keepKey ? existingKey(keystore, password) : null;
            Path tillKeystore = dir.resolve(TILL_KEYSTORE_FILE);
            if (Files.isSymbolicLink(tillKeystore)) {
                throw new Refusal(tillKeystore + " is a symbolic link; refusing to follow it");
            }
            if (tillHostname != null && !SelfSignedCertificate.isHostName(tillHostname)) {
                throw new Refusal("--till-hostname is not a host name (letters, digits, '-' and '.'): " + tillHostname);
            }
            boolean keepTillCertificate = Files.exists(tillKeystore, LinkOption.NOFOLLOW_LINKS) && !rotateTls;
            Certificate tillCertificate = keepTillCertificate ? existingTillCertificate(tillKeystore, password) : null;

            Web3j web3j = Web3j.build(new HttpService(rpc.toString()));
            long chainId;
            List<Token> accepted = new ArrayList<>();
            try {
                TokenOnChain chain = new TokenOnChain(web3j);
                chainId = chain.chainId(chainRpc);
                if (expectedChainId != null && expectedChainId != chainId) {
                    throw new Refusal("the chain at " + chainRpc + " has chain id " + chainId + ", not --chain-id "
                            + expectedChainId);
                }
                for (Address token : tokenAddresses) {
                    Token read = chain.read(token, chainId);
                    if (accepted.stream().anyMatch(t -> t.symbol().equals(read.symbol()))) {
                        throw new Refusal("two tokens share the symbol " + read.symbol());
                    }
                    accepted.add(read);
                }
                if (batcherAddress != null) {
                    chain.requireCode(batcherAddress, "--batcher", chainId);
                }
            } catch (TokenOnChain.Refused refused) {
                throw new Refusal(refused.getMessage());
            } finally {
                web3j.shutdown();
            }

            SecureRandom random = new SecureRandom();
            if (settlementKey == null) {
                settlementKey = Keys.createEcKeyPair(random);
            }
            SelfSignedCertificate newTillCertificate = keepTillCertificate ? null : TillCertificateFile.create(
                    tillHostname == null ? TillCertificateFile.machineHostName() : tillHostname, random);
            if (newTillCertificate != null) {
                tillCertificate = newTillCertificate.certificate();
            }
            byte[] apiTokenBytes = new byte[24];
            random.nextBytes(apiTokenBytes);
            byte[] metricsTokenBytes = new byte[24];
            random.nextBytes(metricsTokenBytes);
            String managerPin = ManagerPin.random(random);
            TerminalConfigDraft settings = new TerminalConfigDraft()
                    .merchant(payoutAddress.hex())
                    .merchantIdentity(merchantName, kvk)
                    .chain(chainRpc, batcherAddress == null ? null : batcherAddress.hex())
                    .settlementKeystore(keystore.toAbsolutePath())
                    .set("till.apiToken", HexFormat.of().formatHex(apiTokenBytes))
                    .set("metrics.token", HexFormat.of().formatHex(metricsTokenBytes))
                    .managerPinHash(ManagerPin.hash(managerPin, random))
                    .journal(dir.toAbsolutePath().resolve(JOURNAL_FILE))
                    // Its password is the settlement keystore's (till.tls.passwordFile's default): one secret to keep.
                    .set("till.tls.keystore", tillKeystore.toAbsolutePath().toString());
            for (Token token : accepted) {
                settings.token(token.symbol(), token.chainId(), token.contract().hex(), token.eip712Name(),
                        token.eip712Version(), token.decimals());
            }
            if (passwordFile != null) {
                settings.set("settlement.passwordFile", passwordFile.toAbsolutePath().toString());
            }
            if (denyListIssuer != null) {
                settings.denyListIssuer(denyListIssuer);
            }
            if (denyListUrl != null) {
                settings.denyListUrl(denyListUrl);
            }
            // Everything is written to temporary files beside the targets and renamed into place last; the config
            // is read back exactly as the terminal will first, so a bad value fails here, not at the counter.
            Path draft = dir.resolve("." + CONFIG_FILE + ".new");
            try {
                try {
                    settings.write(draft, "Heitje terminal config, written by provision init. Keep it secret.",
                            java.util.Optional.ofNullable(serviceGroup));
                } catch (ConfigException unwritable) {
                    throw new Refusal("cannot write in " + dir + " (" + rootCause(unwritable) + ")");
                }
                TerminalConfig.load(draft, serviceEnvironment());
                if (!keepKey) {
                    TerminalKeystore.write(keystore, password, settlementKey, java.util.Optional.ofNullable(serviceGroup));
                }
                if (newTillCertificate != null) {
                    TillCertificateFile.write(tillKeystore, password.toCharArray(), newTillCertificate,
                            java.util.Optional.ofNullable(serviceGroup));
                }
                Files.move(draft, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (ConfigException invalid) {
                throw new Refusal(invalid.getMessage().replace(draft.toString(), config.toString()));
            } catch (IOException unwritable) {
                throw new Refusal("cannot write in " + dir + " (" + rootCause(unwritable) + ")");
            } finally {
                Files.deleteIfExists(draft);
            }
            for (Token token : accepted) {
                err.println("token " + token.symbol() + " at " + token.contract() + ": EIP-712 domain (" + token.eip712Name()
                        + ", " + token.eip712Version() + ", chain " + chainId + ") matches, " + token.decimals()
                        + " decimals, EIP-3009");
            }
            err.println("config written: " + config);
            err.println((keepKey ? "keystore kept: " : "keystore written: ") + keystore);
            err.println((keepTillCertificate ? "till API certificate kept: " : "till API certificate written: ")
                    + tillKeystore);
            err.println("till API certificate SHA-256 fingerprint: " + SelfSignedCertificate.fingerprint(tillCertificate)
                    + " (the till pins it; public key pin " + SelfSignedCertificate.publicKeyPin(tillCertificate) + ")");
            err.println("till API token: in " + config + " (till.apiToken); give it to the cash register");
            err.println("metrics token: in " + config + " (metrics.token); give it to whoever scrapes /metrics");
            err.println("manager PIN: " + managerPin + ", write it down (it is shown only now)");
            if (denyListIssuer == null) {
                err.println("no --deny-list-issuer: this terminal refuses offline approvals until one is configured");
            }
            err.flush();
            PrintWriter out = spec.commandLine().getOut();
            out.println("terminal address: 0x" + Keys.getAddress(settlementKey.getPublicKey()));
            out.flush();
            return 0;
        }

        private int fail(String problem) {
            spec.commandLine().getErr().println("provision: " + problem.replaceAll("\\s*\\R\\s*", " "));
            spec.commandLine().getErr().flush();
            return 1;
        }

        /** The option's value, else asked on the console (unless --non-interactive). */
        private String value(String given, String option, String what) throws Refusal {
            if (given != null) {
                return given;
            }
            Console console = System.console();
            if (nonInteractive || console == null) {
                throw new Refusal("missing " + option + " (the " + what + ")");
            }
            String answer = console.readLine("%s: ", what);
            if (answer == null || answer.isBlank()) {
                throw new Refusal("missing " + option + " (the " + what + ")");
            }
            return answer.strip();
        }

        private static Address address(String option, String text) throws Refusal {
            try {
                return Address.parse(text);
            } catch (IllegalArgumentException malformed) {
                throw new Refusal(option + " is not an address (0x and 40 hex digits): " + text);
            }
        }

        private static URI rpcUri(String text) throws Refusal {
            try {
                URI uri = new URI(text);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException malformed) {
                // said below
            }
            throw new Refusal("--chain-rpc is not an http(s) URL: " + text);
        }

        private static ECKeyPair existingKey(Path keystore, String password) throws Refusal {
            try {
                return TerminalKeystore.open(keystore, password).getEcKeyPair();
            } catch (CipherException wrongPassword) {
                throw new Refusal("the password does not open the existing keystore " + keystore
                        + " (give its password, or --rotate-key for a new key)");
            } catch (IOException | RuntimeException unreadable) {
                throw new Refusal("cannot read the existing keystore " + keystore + " as an Ethereum v3 keystore"
                        + " (--rotate-key replaces it with a new key)");
            }
        }

        private static Certificate existingTillCertificate(Path file, String password) throws Refusal {
            try {
                return TillCertificateFile.open(file, password.toCharArray());
            } catch (IOException | java.security.GeneralSecurityException unopenable) {
                throw new Refusal("the password does not open the existing till API keystore " + file
                        + " (give its password, or --rotate-tls for a new certificate)");
            }
        }

        /** From --password-file, or asked twice on the console. */
        private String password() throws Refusal {
            if (passwordFile != null) {
                try {
                    return PasswordFile.read(passwordFile);
                } catch (IOException e) {
                    throw new Refusal("cannot read the password file " + passwordFile);
                }
            }
            Console console = System.console();
            if (console == null || nonInteractive) {
                throw new Refusal("no console to ask the keystore password on: give --password-file FILE");
            }
            char[] first = console.readPassword("keystore password (at least %d characters): ",
                    TerminalKeystore.MIN_PASSWORD_LENGTH);
            char[] again = console.readPassword("the same password again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new Refusal("the two passwords differ");
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

    /** Why a subcommand stops; its message is the one line the user sees. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }

    static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return cause instanceof java.nio.file.AccessDeniedException ? "permission denied: " + message : message;
    }

    /** The config file's name in the terminal's directory. */
    static final String CONFIG_FILE = "terminal.properties";
    /** The journal's name in the terminal's directory. */
    static final String JOURNAL_FILE = "journal.db";
    /** The till API's certificate keystore (PKCS#12) in the terminal's directory. */
    static final String TILL_KEYSTORE_FILE = "till-tls.p12";
    /** The keystore's name in the terminal's directory. */
    static final String KEYSTORE_FILE = "keystore.json";
}
