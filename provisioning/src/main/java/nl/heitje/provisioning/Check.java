// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import nl.heitje.terminal.adapter.web3j.Web3jClients;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.pi4j.Pi4jPanel;
import nl.heitje.terminal.adapter.smartcardio.PcscCardReader;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.adapter.web3j.SettlementKeys;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.ClockCheck;
import nl.heitje.terminal.domain.Led;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.NodeFacts;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.port.SettlementChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provision check}: the installer's self-test of a configured device. One line per check, {@code PASS},
 * {@code FAIL} (with why) or {@code SKIP} (the check does not apply to this config). Every check runs even when
 * another failed, through the terminal's own adapters, so a PASS means the terminal itself will manage; the exit
 * code is 0 only when nothing failed.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Self-test of a configured terminal: config, key, chain, tokens, gas, journal, devices, clock.")
public final class Check implements Callable<Integer> {
    /** Measured on anvil: one authorization inside a batch of 20 costs ~47,000 gas. */
    static final long GAS_PER_BATCHED_SETTLEMENT = 47_000;
    /** Measured on anvil: a lone {@code transferWithAuthorization} costs 68,000 to 86,000 gas. */
    static final long GAS_PER_SINGLE_SETTLEMENT = 86_000;
    private static final BigDecimal WEI_PER_ETHER = BigDecimal.TEN.pow(18);
    private static final BigDecimal WEI_PER_GWEI = BigDecimal.TEN.pow(9);
    private static final Path SERVICE_CREDENTIALS = Path.of("/run/credentials/heitje-terminal.service");
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger TERMINAL_LOGS = java.util.logging.Logger.getLogger("nl.heitje");

    @Option(names = "--config", required = true, description = "The terminal's terminal.properties.")
    Path config;
    @Option(names = "--settlements", defaultValue = "100",
            description = "How many settlements the gas balance must pay for (default ${DEFAULT-VALUE}).")
    int settlements;
    @Option(names = "--timeout-seconds", defaultValue = "10",
            description = "The longest one call to the chain may take (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--reader-wait-seconds", defaultValue = "3",
            description = "How long to look for the card reader (default ${DEFAULT-VALUE}).")
    int readerWaitSeconds;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    enum Outcome { PASS, FAIL, SKIP }

    /** One line of the report. */
    record Result(Outcome outcome, String what, String why) {
        static Result pass(String what) {
            return new Result(Outcome.PASS, what, "");
        }

        static Result fail(String what, String why) {
            return new Result(Outcome.FAIL, what, why);
        }

        static Result skip(String what, String why) {
            return new Result(Outcome.SKIP, what, why);
        }

        String line() {
            return outcome + " " + what + (why.isEmpty() ? "" : ": " + why);
        }
    }

    @FunctionalInterface
    private interface Probe {
        Result run() throws Exception;
    }

    private PrintWriter out;
    private boolean failed;

    @Override
    public Integer call() {
        quietLibraryLogs();
        out = spec.commandLine().getOut();
        TerminalConfig terminal;
        try {
            terminal = TerminalConfig.load(config, serviceEnvironment());
        } catch (ConfigException | IllegalArgumentException e) {
            report(Result.fail("config valid", e.getMessage()));
            out.println("(the other checks need a valid config)");
            out.flush();
            return 1;
        }
        report(Result.pass("config valid: " + config));

        Optional<Credentials> key = Optional.empty();
        try {
            Credentials opened = SettlementKeys.open(terminal.settlement().key());
            key = Optional.of(opened);
            String address = "terminal address " + Keys.toChecksumAddress(opened.getAddress());
            report(terminal.settlement().key() instanceof TerminalConfig.DevPrivateKey
                    ? Result.pass("settlement key: settlement.privateKey in the config, " + address
                    + " (dev chains only: use a keystore on a real chain)")
                    : Result.pass("keystore opens with the configured password, " + address));
        } catch (ConfigException e) {
            boolean fromCredential = terminal.settlement().key() instanceof TerminalConfig.KeystoreKey keystore
                    && keystore.passwordFile().startsWith(SERVICE_CREDENTIALS);
            report(Result.fail("keystore opens", e.getMessage() + (fromCredential ? " (the password is the service's"
                    + " systemd credential: run this as root while heitje-terminal runs, or give the config a"
                    + " settlement.passwordFile)" : "")));
        } catch (RuntimeException e) {
            report(Result.fail("keystore opens", describe(e)));
        }

        List<Token> tokens = Terminal.tokensOf(terminal);
        List<Long> chainIds = tokens.stream().map(Token::chainId).distinct().toList();
        for (long chainId : chainIds) {
            checkChain(terminal, terminal.chain().endpoint(chainId), tokens.stream()
                    .filter(token -> token.chainId() == chainId).toList(), key, chainIds.size() > 1);
        }

        run("till API certificate", () -> tillCertificate(terminal.till()));
        run("journal hash chain", () -> journal(terminal.storage().journal()));
        run("card reader", () -> cardReader(terminal.devices().cardReader()));
        run("QR scanner (USB keyboard)", () -> deviceFile("QR scanner (USB keyboard)",
                terminal.devices().hidScanner().map(TerminalConfig.HidScanner::device), "scanner.hid.device"));
        run("QR scanner (serial)", () -> deviceFile("QR scanner (serial)",
                terminal.devices().serialScanner().map(s -> Path.of(s.port())), "scanner.serial.port"));
        run("PIN pad", () -> deviceFile("PIN pad",
                terminal.devices().pinPad().map(TerminalConfig.HidScanner::device), "pinpad.device"));
        run("LEDs blink", () -> leds(terminal.devices().gpio()));
        out.println(failed ? "check: something FAILED (see above)" : "check: all checks passed");
        out.flush();
        return failed ? 1 : 0;
    }

    /**
     * One chain a purse lives on, through its own endpoint: reachable with the right chain id, its tokens' domains,
     * the terminal's gas there, and the clock against its newest block. With several chains each line names its chain.
     */
    private void checkChain(TerminalConfig terminal, TerminalConfig.Endpoint endpoint, List<Token> tokens,
                            Optional<Credentials> key, boolean named) {
        String prefix = named ? "chain " + endpoint.chainId() + ": " : "";
        Web3j web3j = Web3jClients.bounded(endpoint.rpcUrl().toString(), Duration.ofSeconds(timeoutSeconds));
        try {
            // Reading the chain signs nothing: a stand-in key lets these checks run when the keystore did not open.
            Credentials reader = key.orElseGet(() -> Credentials.create(ECKeyPair.create(BigInteger.ONE)));
            Web3jChain chain = new Web3jChain(web3j, endpoint.chainId(), reader,
                    endpoint.batchContract().map(Address::parse), terminal.settlement().batchSize(),
                    terminal.chain().logRangeBlocks());
            String rpc = endpoint.rpcUrl().toString();
            run(prefix + "chain reachable", () -> named(prefix, chainId(chain, rpc, endpoint.chainId())));
            for (Token token : tokens) {
                run(prefix + "token " + token.symbol() + " EIP-712 domain", () -> named(prefix, domain(chain, token)));
            }
            run(prefix + "gas balance", () -> named(prefix, gas(web3j, chain, key,
                    endpoint.batchContract().isPresent())));
            run(prefix + "clock synchronised", () -> named(prefix, clock(chain, terminal.trust())));
        } finally {
            web3j.shutdown();
        }
    }

    /** The line with its chain named in front, when the terminal has several. */
    private static Result named(String prefix, Result result) {
        return new Result(result.outcome(), prefix + result.what(), result.why());
    }

    private Result chainId(NodeFacts chain, String rpc, long configured) {
        long answered = chain.nodeChainId();
        if (answered != configured) {
            return Result.fail("chain reachable", "the node at " + rpc + " serves chain id " + answered
                    + ", the config says " + configured + " (token.<S>.chainId)");
        }
        return Result.pass("chain reachable: " + rpc + " serves chain id " + answered);
    }

    private Result domain(NodeFacts chain, Token token) {
        String what = "token " + token.symbol() + " EIP-712 domain";
        byte[] onChain = chain.domainSeparator(token);
        byte[] expected = Eip3009.domainSeparator(token);
        if (!java.util.Arrays.equals(onChain, expected)) {
            return Result.fail(what, "the contract " + token.contract() + " answers DOMAIN_SEPARATOR 0x"
                    + HexFormat.of().formatHex(onChain) + ", but name \"" + token.eip712Name() + "\", version \""
                    + token.eip712Version() + "\" and chain id " + token.chainId() + " from the config give 0x"
                    + HexFormat.of().formatHex(expected) + ": payments signed for this terminal would be refused");
        }
        return Result.pass(what + ": name \"" + token.eip712Name() + "\", version \"" + token.eip712Version()
                + "\", chain id " + token.chainId() + " match DOMAIN_SEPARATOR of " + token.contract());
    }

    private Result gas(Web3j web3j, SettlementChain chain, Optional<Credentials> key, boolean batched) {
        String what = "gas balance for " + settlements + " settlements";
        if (key.isEmpty()) {
            return Result.fail(what, "no terminal address: the settlement key did not open");
        }
        String address = key.get().getAddress();
        org.web3j.protocol.core.methods.response.EthGetBalance answer;
        try {
            answer = web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send();
        } catch (java.io.IOException e) {
            return Result.fail(what, "chain unreachable during eth_getBalance: " + describe(e));
        }
        if (answer.hasError()) {
            return Result.fail(what, "eth_getBalance: " + answer.getError().getMessage());
        }
        BigInteger balance = answer.getBalance();
        BigInteger feePerGas = chain.suggestedFees().maxFeePerGas();
        long gasEach = batched ? GAS_PER_BATCHED_SETTLEMENT : GAS_PER_SINGLE_SETTLEMENT;
        BigInteger needed = feePerGas.multiply(BigInteger.valueOf(gasEach)).multiply(BigInteger.valueOf(settlements));
        String numbers = "balance " + ether(balance) + " ETH at " + Keys.toChecksumAddress(address) + "; "
                + settlements + " × " + gasEach + " gas" + (batched ? " (batched)" : " (one by one)") + " × "
                + gwei(feePerGas) + " gwei = " + ether(needed) + " ETH";
        if (balance.compareTo(needed) < 0) {
            return Result.fail(what, numbers + ": send the terminal at least " + ether(needed.subtract(balance))
                    + " ETH more");
        }
        return Result.pass(what + ": " + numbers);
    }

    private Result clock(NodeFacts chain, TerminalConfig.Trust trust) {
        NodeFacts.Head head = chain.head();
        ClockCheck.Reading reading = new ClockCheck(trust.clockTolerance(), trust.maxBlockLag())
                .judge(Instant.now(), head.number(), head.timestamp());
        String what = "clock synchronised";
        switch (reading.agreement()) {
            case AGREES:
                return Result.pass(what + ": " + reading.describe() + " (clock.toleranceSeconds "
                        + trust.clockTolerance().toSeconds() + ")");
            case BEHIND_THE_CHAIN:
                return Result.fail(what, reading.describe() + ": fix the time (NTP) before taking payments");
            default:
                return Result.fail(what, reading.describe() + ". A dev chain that mines only on demand has old"
                        + " blocks: then this says nothing about our clock, and clock.maxBlockLagSeconds ("
                        + trust.maxBlockLag().toSeconds() + ") must allow for it");
        }
    }

    private Result journal(Path file) {
        if (!Files.exists(file)) {
            return Result.pass("journal hash chain: no journal yet at " + file + " (new terminal)");
        }
        Optional<Long> broken = SqliteJournal.firstBrokenLinkIn(file);
        if (broken.isPresent()) {
            return Result.fail("journal hash chain", "the redemption chain in " + file + " breaks at row "
                    + broken.get() + ": a recorded payment was changed or removed");
        }
        return Result.pass("journal hash chain: intact in " + file);
    }

    private Result cardReader(Optional<TerminalConfig.CardReader> configured) throws InterruptedException {
        if (configured.isEmpty()) {
            return Result.skip("card reader", "none configured (card.reader=none)");
        }
        CardReader.CardHandler ignoreCards = card -> ScanResult.noPaymentWaiting();
        try (PcscCardReader reader = PcscCardReader.system(configured.get().readerName().orElse(null),
                configured.get().apduTimeout())) {
            reader.start(ignoreCards);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readerWaitSeconds);
            while (!reader.status().present() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            CardReader.Status status = reader.status();
            if (status.present()) {
                return Result.pass("card reader: " + status.reader().orElseThrow());
            }
            return Result.fail("card reader", status.problem().orElse("no reader") + " (card.reader=pcsc"
                    + configured.get().readerName().map(n -> ", card.readerName=" + n).orElse("") + ")");
        }
    }

    private static Result deviceFile(String what, Optional<Path> device, String key) {
        if (device.isEmpty()) {
            return Result.skip(what, "none configured (" + key + ")");
        }
        Path file = device.get();
        if (!Files.exists(file)) {
            return Result.fail(what, file + " does not exist (" + key + "): is it plugged in?");
        }
        if (!Files.isReadable(file)) {
            return Result.fail(what, file + " is not readable by this user (" + key + "): see the udev rules");
        }
        return Result.pass(what + ": " + file + " present and readable");
    }

    private Result leds(Optional<TerminalConfig.Gpio> gpio) throws InterruptedException {
        if (gpio.isEmpty()) {
            return Result.skip("LEDs blink", "GPIO not enabled (gpio.enabled=false)");
        }
        GpioPins pins = GpioPins.from(gpio.get());
        if (pins.leds().isEmpty()) {
            return Result.skip("LEDs blink", "no LED pins configured (gpio.led.*)");
        }
        try (Pi4jPanel panel = Pi4jPanel.onThePi(pins)) {
            for (Led led : pins.leds().keySet()) {
                panel.setLed(led, true);
                Thread.sleep(300);
                panel.setLed(led, false);
            }
        } catch (RuntimeException e) {
            return Result.fail("LEDs blink", "cannot drive GPIO pins " + pins.leds() + " through gpiod: "
                    + describe(e) + " (is this a Raspberry Pi, and may this user use /dev/gpiochip*?)");
        }
        return Result.pass("LEDs blink: " + pins.leds() + " each lit once (look at the counter)");
    }

    /**
     * Without a password file in the config the terminal service gets the password as a systemd credential; a
     * self-test from a shell looks where systemd puts it while the service runs.
     */
    private static java.util.Map<String, String> serviceEnvironment() {
        java.util.Map<String, String> environment = new java.util.HashMap<>(System.getenv());
        environment.putIfAbsent("CREDENTIALS_DIRECTORY", SERVICE_CREDENTIALS.toString());
        return environment;
    }

    /**
     * The report is the output: the adapters' and Pi4J's progress logs would bury it, and every failure they log
     * reaches its check's line anyway. An operator's own logging settings win.
     */
    private static void quietLibraryLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
        }
        TERMINAL_LOGS.setLevel(java.util.logging.Level.WARNING);
    }

    /** Runs one check; whatever it throws is that check's FAIL, never the end of the self-test. */
    /** The till API's TLS keystore opens as the terminal opens it; its fingerprint and expiry, for the installer. */
    private static Result tillCertificate(TerminalConfig.Till till) {
        if (till.tls().isEmpty()) {
            return Result.skip("till API certificate", "plain HTTP on " + till.host()
                    + " (no till.tls.keystore): only for loopback or a network the shop trusts");
        }
        try {
            var tls = nl.heitje.terminal.adapter.javalin.TillTls.open(till.tls().get());
            var certificate = (java.security.cert.X509Certificate) tls.certificate();
            java.time.Instant expires = certificate.getNotAfter().toInstant();
            if (expires.isBefore(java.time.Instant.now())) {
                return Result.fail("till API certificate", "expired on " + expires + ": make a new one with"
                        + " provision init --force --rotate-tls (and pin its fingerprint at the till)");
            }
            return Result.pass("till API certificate opens, SHA-256 fingerprint " + tls.fingerprint()
                    + ", valid until " + expires);
        } catch (ConfigException e) {
            return Result.fail("till API certificate", e.getMessage());
        }
    }

    private void run(String what, Probe probe) {
        Result result;
        try {
            result = probe.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = Result.fail(what, "interrupted");
        } catch (Exception | LinkageError e) {
            result = Result.fail(what, describe(e));
        }
        report(result);
    }

    private void report(Result result) {
        if (result.outcome() == Outcome.FAIL) {
            failed = true;
        }
        out.println(result.line());
        out.flush();
    }

    /** The exception's own words, and its cause's: "chain unavailable: connect timed out". */
    private static String describe(Throwable e) {
        StringBuilder why = new StringBuilder(String.valueOf(e.getMessage() == null
                ? e.getClass().getSimpleName() : e.getMessage()));
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !why.toString().contains(cause.getMessage())) {
            why.append(": ").append(cause.getMessage());
        }
        return why.toString();
    }

    private static String ether(BigInteger wei) {
        return new BigDecimal(wei).divide(WEI_PER_ETHER, 6, RoundingMode.UP).stripTrailingZeros().toPlainString();
    }

    private static String gwei(BigInteger wei) {
        return new BigDecimal(wei).divide(WEI_PER_GWEI, 3, RoundingMode.UP).stripTrailingZeros().toPlainString();
    }

}
