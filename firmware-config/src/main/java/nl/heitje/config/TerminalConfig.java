// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a terminal is configured with: one immutable record per concern, read and validated once at
 * start-up from one file ({@code terminal.properties}). The keys are documented in {@code docs/config.md}.
 */
public record TerminalConfig(Merchant merchant, List<TokenSettings> tokens, Chain chain, Settlement settlement,
                             Till till, Offline offline, Storage storage, Trust trust, Snapshot snapshot,
                             Devices devices, Manager manager, ReceiptSettings receipts, MerchantWeb merchantWeb,
                             StaffUiSettings staffUi) {

    /**
     * The shop's manager. {@code pinHash}: the manager PIN as a slow salted hash ({@code manager.pinHash}, written by
     * {@code provision init}), never the PIN itself; empty in configs written before it existed.
     */
    public record Manager(Optional<String> pinHash) {
        @Override
        public String toString() {
            return "Manager[pinHash=" + (pinHash.isPresent() ? "<hidden>" : "none") + "]";
        }
    }

    /**
     * The devices at the counter, each optional: the terminal runs with whichever the shop has.
     *
     * @param cardReader empty when the terminal has no card reader at all ({@code card.reader=none})
     */
    public record Devices(Optional<CardReader> cardReader, Optional<HidScanner> hidScanner,
                          Optional<SerialScanner> serialScanner, Optional<Camera> camera, Optional<Gpio> gpio,
                          Duration pinTimeout, Optional<HidScanner> pinPad) {
    }

    /** A PC/SC reader for signing cards; {@code readerName} picks one by part of its name when several are there. */
    public record CardReader(Optional<String> readerName, Duration apduTimeout) {
    }

    /**
     * A USB keyboard-wedge scanner, or a USB numeric keypad as PIN pad: its evdev device, and the
     * {@code input_event} layout (auto, 64 or 32 bit).
     */
    public record HidScanner(Path device, String layout) {
    }

    /** A serial-mode scanner; {@code parity} is none, odd or even. */
    public record SerialScanner(String port, int baud, int dataBits, int stopBits, String parity) {
    }

    /** Raw YUV420 frames from a camera: read from a command's output or from a FIFO. */
    public record Camera(Optional<String> command, Optional<Path> fifo, int width, int height) {
    }

    /**
     * BCM pin numbers of the counter's lights, buzzer, relay and cancel button, each one optional; how long an
     * approved or declined light stays on.
     */
    public record Gpio(Optional<Integer> greenLed, Optional<Integer> redLed, Optional<Integer> blueLed,
                       Optional<Integer> yellowLed, Optional<Integer> buzzer, Optional<Integer> relay,
                       Duration relayPulse, Optional<Integer> cancelButton, Duration outcomeHold) {
    }

    /**
     * Who gets paid. {@code name} and {@code kvk} (the 8-digit Chamber of Commerce number) identify the shop in its
     * registration with the municipality; they are empty in configs written before they were recorded.
     */
    public record Merchant(String address, ZoneId zone, Optional<String> name, Optional<String> kvk,
                           Optional<String> category) {
        public Merchant(String address, ZoneId zone, Optional<String> name, Optional<String> kvk) {
            this(address, zone, name, kvk, Optional.empty());
        }

    }

    /**
     * One accepted token (a "purse", docs/purses.md): where it lives, the EIP-712 domain its authorizations are
     * signed under, who publishes its spending rules, and the merchant's risk limits for it.
     *
     * @param deployBlock the block the contract was deployed in, where its holder snapshot starts reading
     * @param issuer      the signer of the purse's spending rules; without one the purse has no rules
     * @param rulesUrl    where fresh signed rules are fetched; without one they arrive only by provisioning
     * @param limits      in the purse's base units: {@code token.X.offline.*} and {@code token.X.maxUnsettledOnline},
     *                    by default the terminal-wide {@code offline.*} and {@code settlement.maxUnsettledOnline}
     */
    public record TokenSettings(String symbol, long chainId, String contract, String eip712Name, String eip712Version,
                                int decimals, long deployBlock, Optional<String> issuer, Optional<URI> rulesUrl,
                                PurseLimits limits) {
        public TokenSettings(String symbol, long chainId, String contract, String eip712Name, String eip712Version,
                             int decimals, long deployBlock) {
            this(symbol, chainId, contract, eip712Name, eip712Version, decimals, deployBlock, Optional.empty(),
                    Optional.empty(), PurseLimits.NONE);
        }
    }

    /** A purse's limits, in its base units; see {@link Offline} and {@link Settlement#maxUnsettledOnline()}. */
    public record PurseLimits(long maxPerPayment, long maxPerPayerPerDay, long maxTotalExposure, int maxCount,
                              long maxUnsettledOnline) {
        /** No offline approvals and no unsettled online ones: for tools that read a token's identity only. */
        public static final PurseLimits NONE = new PurseLimits(0, 0, 0, 0, 0);
    }

    /**
     * How to reach the chains. {@code rpcUrl} and {@code batchContract} are the first token's chain; {@code endpoints}
     * has one entry per chain a token lives on, the first token's chain first ({@code chain.<chainId>.rpcUrl} for the
     * others). {@code logRangeBlocks}: the widest {@code eth_getLogs} range asked at once.
     */
    public record Chain(URI rpcUrl, Optional<String> batchContract, Duration requestTimeout, Duration probeInterval,
                        long logRangeBlocks, Duration paymentLookupBudget, List<Endpoint> endpoints) {
        public Chain(URI rpcUrl, Optional<String> batchContract, Duration requestTimeout, Duration probeInterval,
                     long logRangeBlocks, Duration paymentLookupBudget) {
            this(rpcUrl, batchContract, requestTimeout, probeInterval, logRangeBlocks, paymentLookupBudget, List.of());
        }

        public Chain {
            endpoints = List.copyOf(endpoints);
        }

        /** The endpoint of this chain; the first chain's when none is configured for it (single-chain configs). */
        public Endpoint endpoint(long chainId) {
            return endpoints.stream().filter(e -> e.chainId() == chainId).findFirst()
                    .orElseGet(() -> new Endpoint(chainId, rpcUrl, batchContract));
        }
    }

    /** One chain's node and batch contract (purses on one chain share its batch contract: it is token-agnostic). */
    public record Endpoint(long chainId, URI rpcUrl, Optional<String> batchContract) {
    }

    /**
     * How approvals are settled, and with which key. {@code key} says where the settlement key comes from; the
     * key itself is never part of this record's text.
     */
    public record Settlement(SettlementKey key, int batchSize, Duration interval, Duration onlineWindow,
                             Duration offlineWindow, int confirmations, Duration replaceAfter, long maxFeePerGasGwei,
                             Duration retryBackoff, Duration onlinePrompt, long maxUnsettledOnline, Duration atRisk) {
        @Override
        public String toString() {
            return "Settlement[key=" + key + ", batchSize=" + batchSize + ", interval=" + interval
                    + ", onlineWindow=" + onlineWindow + ", offlineWindow=" + offlineWindow + ", confirmations="
                    + confirmations + ", replaceAfter=" + replaceAfter + ", maxFeePerGasGwei=" + maxFeePerGasGwei
                    + ", retryBackoff=" + retryBackoff + ", onlinePrompt=" + onlinePrompt + ", maxUnsettledOnline="
                    + maxUnsettledOnline + ", atRisk=" + atRisk + "]";
        }
    }

    /** Where the terminal's settlement key comes from: an encrypted keystore, or (dev chains only) plain hex. */
    public sealed interface SettlementKey permits KeystoreKey, DevPrivateKey {
    }

    /**
     * The production form: an Ethereum v3 JSON keystore (scrypt) and the file holding its password. The terminal
     * decrypts it once at start-up.
     *
     * @param configFile   the config file that named them, for error messages
     * @param keystore     {@code settlement.keystore}
     * @param passwordFile {@code settlement.passwordFile}, by default the systemd credential
     *                     {@value #KEYSTORE_PASSWORD_CREDENTIAL}
     */
    public record KeystoreKey(Path configFile, Path keystore, Path passwordFile) implements SettlementKey {
    }

    /** For dev chains only ({@code settlement.privateKey}): the key in plain hex in the config file. */
    public record DevPrivateKey(String hex) implements SettlementKey {
        @Override
        public String toString() {
            return "DevPrivateKey[<hidden>]";
        }
    }

    /** The name of the systemd credential ({@code LoadCredential=}) holding the keystore's password. */
    public static final String KEYSTORE_PASSWORD_CREDENTIAL = "heitje-keystore-password";

    /**
     * The HTTP surface the cash register drives. {@code maxPerPayment} is in euro cents (sales are in euros).
     *
     * @param tls          its certificate: empty only for plain HTTP, which a loopback host or
     *                     {@code till.allowPlainHttp} allows (see {@link TillTls})
     * @param metricsToken the bearer token of {@code GET /metrics} on the same server ({@code metrics.token});
     *                     without one the metrics are not served
     */
    public record Till(String host, int port, String apiToken, long maxPerPayment, Duration paymentTimeout,
                       Optional<TillTls> tls, Optional<String> metricsToken) {
        public Till(String host, int port, String apiToken, long maxPerPayment, Duration paymentTimeout) {
            this(host, port, apiToken, maxPerPayment, paymentTimeout, Optional.empty(), Optional.empty());
        }

        @Override
        public String toString() {
            return "Till[host=" + host + ", port=" + port + ", apiToken=<hidden>, maxPerPayment=" + maxPerPayment
                    + ", paymentTimeout=" + paymentTimeout + ", tls=" + tls + ", metricsToken="
                    + (metricsToken.isPresent() ? "<hidden>" : "none") + "]";
        }
    }

    /**
     * The till API's certificate and key in a PKCS#12 keystore ({@code till.tls.keystore}, made by
     * {@code provision init}) and the file holding its password ({@code till.tls.passwordFile}; by default the
     * settlement keystore's password, from its file or its systemd credential).
     *
     * @param configFile the config file that named them, for error messages
     */
    public record TillTls(Path configFile, Path keystore, Path passwordFile) {
    }

    /**
     * Offline risk limits, base units of the first token, and how old the holder snapshot may be (by the timestamp
     * of the block it reaches) for offline approvals.
     */
    public record Offline(long maxPerPayment, long maxPerPayerPerDay, long maxTotalExposure, int maxCount,
                          Duration maxSnapshotAge) {
    }

    /**
     * The holder snapshot: every holder's balance rebuilt from the tokens' Transfer logs, for the offline funds
     * rule.
     *
     * @param file           where it is kept: {@value #SNAPSHOT_FILE} beside the journal (a cache of the chain;
     *                       deleting it only means a full re-sync)
     * @param confirmations  blocks below the head left unread (a shallower reorganisation cannot touch the snapshot)
     * @param logRangeBlocks the widest block range asked of {@code eth_getLogs} at once (halved when refused)
     */
    public record Snapshot(Path file, int confirmations, long logRangeBlocks) {
    }

    /** The name of the holder snapshot's SQLite file in the data directory (the journal's directory). */
    public static final String SNAPSHOT_FILE = "snapshot.db";

    /** Where state lives: the journal, and the municipal deny-list this terminal keeps beside it. */
    public record Storage(Path journal, DenyListSettings denyList) {
        /** The data directory: the journal's, where the terminal's other state files live beside it. */
        public Path dataDirectory() {
            return journal.toAbsolutePath().getParent();
        }
    }

    /**
     * When the terminal trusts itself and its node enough to approve (docs/design.md, "The trust gate").
     *
     * @param clockTolerance  how far our clock may be from the newest block's timestamp
     * @param maxBlockLag     how much further the newest block may trail our clock: block interval plus node delay
     * @param maxSinceContact how long after the last trusted chain contact offline approvals are still given
     * @param contactFile     where the last trusted contact is kept: {@value #CONTACT_FILE} in the data directory
     * @param journalBreakAcknowledgement where a manager acknowledges a journal break:
     *                        {@value #JOURNAL_BREAK_ACK_FILE} in the data directory
     */
    public record Trust(Duration clockTolerance, Duration maxBlockLag, Duration maxSinceContact, Path contactFile,
                        Path journalBreakAcknowledgement) {
    }

    /** The last trusted chain contact, in the data directory. */
    public static final String CONTACT_FILE = "chain-contact";
    /** A manager's acknowledgement of a journal break (the broken redemption's number), in the data directory. */
    public static final String JOURNAL_BREAK_ACK_FILE = "journal-break.ack";

    /**
     * The municipal deny-list (docs/deny-list.md): a list signed by {@code issuer}, kept in {@code file}, fetched
     * from {@code url} every {@code syncInterval}, and fresh enough for offline approvals for {@code maxAge}.
     *
     * @param file    where the last verified list is kept: {@value #DENY_LIST_FILE} beside the journal
     * @param chainId the chain a list must be issued for: the first token's
     * @param issuer  the municipal signer; without one no list verifies and offline approvals are refused
     * @param url     where fresh lists are fetched; without one they arrive only by provisioning
     */
    public record DenyListSettings(Path file, long chainId, Optional<String> issuer, Optional<URI> url,
                                   Duration maxAge, Duration syncInterval) {
    }

    /** The name of the verified deny-list file in the data directory (the journal's directory). */
    public static final String DENY_LIST_FILE = "deny-list.signed";

    public TokenSettings primaryToken() {
        return tokens.get(0);
    }

    public static TerminalConfig load(Path path) {
        return load(path, System.getenv());
    }

    /** As {@link #load(Path)}, with the environment given rather than the process's (for tests). */
    public static TerminalConfig load(Path path, Map<String, String> environment) {
        ConfigFile file = ConfigFile.read(path);
        TerminalConfig config = from(file, environment);
        file.requireNoUnknownKeys();
        return config;
    }

    static TerminalConfig from(ConfigFile file) {
        return from(file, System.getenv());
    }

    /** @param environment the process environment: systemd names its credentials directory there */
    static TerminalConfig from(ConfigFile file, Map<String, String> environment) {
        var merchant = new Merchant(file.address("merchant.address"), zone(file),
                file.optionalText("merchant.name"), kvk(file), merchantCategory(file));
        List<TokenSettings> tokens = tokens(file);
        int decimals = tokens.get(0).decimals();
        var firstChain = new Endpoint(tokens.get(0).chainId(), file.uri("chain.rpcUrl"),
                file.optionalAddress("chain.batchContract"));
        requireSafeTransport(file, "chain.rpcUrl", file.bool("chain.allowPlainHttp", false), firstChain.rpcUrl());
        List<Endpoint> endpoints = new ArrayList<>(List.of(firstChain));
        tokens.stream().map(TokenSettings::chainId).distinct().filter(id -> id != firstChain.chainId()).forEach(id -> {
            String prefix = "chain." + id + ".";
            var endpoint = new Endpoint(id, file.uri(prefix + "rpcUrl"), file.optionalAddress(prefix + "batchContract"));
            requireSafeTransport(file, prefix + "rpcUrl", file.bool(prefix + "allowPlainHttp", false),
                    endpoint.rpcUrl());
            endpoints.add(endpoint);
        });
        var chain = new Chain(firstChain.rpcUrl(), firstChain.batchContract(),
                Duration.ofMillis(file.integer("chain.requestTimeoutMillis", 3000, 100, 60_000)),
                Duration.ofMillis(file.integer("chain.probeIntervalMillis", 5000, 100, 600_000)),
                file.integer("chain.logRangeBlocks", 1000, 1, 1_000_000),
                Duration.ofMillis(file.integer("chain.paymentLookupBudgetMillis", 1500, 100, 60_000)), endpoints);
        SettlementKey key = settlementKey(file, environment);
        var settlement = new Settlement(key, (int) file.integer("settlement.batchSize", 50, 1, 200),
                Duration.ofMillis(file.integer("settlement.intervalMillis", 300_000, 100, 86_400_000)),
                Duration.ofSeconds(file.integer("settlement.onlineWindowSeconds", 900, 60, 30L * 86_400)),
                Duration.ofSeconds(file.integer("settlement.offlineWindowSeconds", 86_400, 60, 30L * 86_400)),
                (int) file.integer("settlement.confirmations", 12, 0, 1000),
                Duration.ofSeconds(file.integer("settlement.replaceAfterSeconds", 120, 0, 86_400)),
                file.integer("settlement.maxFeePerGasGwei", 200, 1, 1_000_000),
                Duration.ofMillis(file.integer("settlement.retryBackoffMillis", 5000, 10, 3_600_000)),
                Duration.ofSeconds(file.integer("settlement.onlinePromptSeconds", 30, 1, 86_400)),
                file.amount("settlement.maxUnsettledOnline", "1000.00", decimals),
                Duration.ofSeconds(file.integer("settlement.atRiskSeconds", 3600, 60, 30L * 86_400)));
        String apiToken = file.text("till.apiToken");
        if (apiToken.length() < 24) {
            throw new ConfigException(file.path(), "till.apiToken", "must be at least 24 characters");
        }
        String tillHost = file.text("till.host", "0.0.0.0");
        var till = new Till(tillHost, (int) file.integer("till.port", 8080, 0, 65_535), apiToken,
                file.amount("till.maxPerPayment", "250.00", SALE_DECIMALS),
                Duration.ofSeconds(file.integer("till.paymentTimeoutSeconds", 120, 5, 3600)),
                tillTls(file, tillHost, key), metricsToken(file, apiToken));
        requireCountable(file, tokens, till.maxPerPayment());
        var offline = new Offline(file.amount("offline.maxPerPayment", "25.00", decimals),
                file.amount("offline.maxPerPayerPerDay", "50.00", decimals),
                file.amount("offline.maxTotalExposure", "500.00", decimals),
                (int) file.integer("offline.maxCount", 200, 0, 100_000),
                Duration.ofSeconds(file.integer("offline.maxSnapshotAgeSeconds", 86_400, 60, 30L * 86_400)));
        Path journal = Path.of(file.text("storage.journal", "/var/lib/heitje/journal.db"));
        var storage = new Storage(journal, denyList(file, journal, tokens.get(0).chainId()));
        var trust = new Trust(Duration.ofSeconds(file.integer("clock.toleranceSeconds", 120, 1, 3600)),
                Duration.ofSeconds(file.integer("clock.maxBlockLagSeconds", 60, 0, 366L * 86_400)),
                Duration.ofSeconds(file.integer("offline.maxSinceContactSeconds", 86_400, 60, 30L * 86_400)),
                storage.dataDirectory().resolve(CONTACT_FILE), storage.dataDirectory().resolve(JOURNAL_BREAK_ACK_FILE));
        var snapshot = new Snapshot(journal.toAbsolutePath().getParent().resolve(SNAPSHOT_FILE),
                (int) file.integer("snapshot.confirmations", 12, 0, 1000),
                file.integer("snapshot.logRangeBlocks", 2000, 1, 1_000_000));
        return new TerminalConfig(merchant, List.copyOf(tokens), chain, settlement, till, offline, storage, trust,
                snapshot, devices(file), new Manager(slowHash(file, "manager.pinHash")), ReceiptSettings.read(file),
                MerchantWeb.read(file, tokens.stream().map(TokenSettings::chainId).distinct().toList()),
                StaffUiSettings.read(file));
    }

    /** Sales are in euros with cents; every purse counts one token as one euro. */
    public static final int SALE_DECIMALS = 2;
    private static final java.util.regex.Pattern SYMBOL = java.util.regex.Pattern.compile("[A-Za-z0-9]{1,11}");
    private static final java.util.regex.Pattern CATEGORY = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /**
     * {@code tokens=HEIT,VITA,...}: the purses in the merchant's order of preference, each under {@code token.X.*}.
     * Their limits default to the terminal-wide keys, read in each purse's own decimals.
     */
    private static List<TokenSettings> tokens(ConfigFile file) {
        List<TokenSettings> tokens = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        for (String symbol : file.text("tokens").split(",")) {
            String s = symbol.trim();
            if (!SYMBOL.matcher(s).matches() || symbols.contains(s)) {
                throw new ConfigException(file.path(), "tokens", "must list distinct symbols of 1 to 11 letters or"
                        + " digits, separated by commas; \"" + s + "\" is " + (symbols.contains(s) ? "twice" : "not one"));
            }
            symbols.add(s);
            String prefix = "token." + s + ".";
            int decimals = (int) file.integer(prefix + "decimals", 2, SALE_DECIMALS, 18);
            Optional<String> issuer = file.optionalAddress(prefix + "issuer");
            Optional<URI> rulesUrl = file.optionalText(prefix + "rulesUrl").map(ignored -> file.uri(prefix + "rulesUrl"));
            rulesUrl.ifPresent(url -> requireHttpsOrLoopback(file, prefix + "rulesUrl", url));
            if (rulesUrl.isPresent() && issuer.isEmpty()) {
                throw new ConfigException(file.path(), prefix + "rulesUrl", "needs " + prefix + "issuer: without the"
                        + " issuer's address no fetched rules can be verified");
            }
            var limits = new PurseLimits(
                    purseAmount(file, prefix + "offline.maxPerPayment", "offline.maxPerPayment", "25.00", decimals),
                    purseAmount(file, prefix + "offline.maxPerPayerPerDay", "offline.maxPerPayerPerDay", "50.00",
                            decimals),
                    purseAmount(file, prefix + "offline.maxTotalExposure", "offline.maxTotalExposure", "500.00",
                            decimals),
                    (int) file.integer(prefix + "offline.maxCount", file.integer("offline.maxCount", 200, 0, 100_000),
                            0, 100_000),
                    purseAmount(file, prefix + "maxUnsettledOnline", "settlement.maxUnsettledOnline", "1000.00",
                            decimals));
            tokens.add(new TokenSettings(s, file.requiredInteger(prefix + "chainId", 1, Long.MAX_VALUE),
                    file.address(prefix + "contract"), file.text(prefix + "name"), file.text(prefix + "version"),
                    decimals, file.integer(prefix + "deployBlock", 0, 0, Long.MAX_VALUE), issuer, rulesUrl, limits));
        }
        return tokens;
    }

    /**
     * Amounts are counted as 64-bit integers of a purse's base units: with many decimals, the largest payment the till
     * may ask for can be more units than that (at 18 decimals, anything above 9.22). Refused here, by name, rather than
     * failing a customer's payment later.
     */
    private static void requireCountable(ConfigFile file, List<TokenSettings> tokens, long maxPerPaymentCents) {
        for (TokenSettings token : tokens) {
            java.math.BigInteger units = java.math.BigInteger.valueOf(maxPerPaymentCents)
                    .multiply(java.math.BigInteger.TEN.pow(token.decimals() - SALE_DECIMALS));
            if (units.bitLength() > 63) {
                throw new ConfigException(file.path(), "token." + token.symbol() + ".decimals", "is "
                        + token.decimals() + ": till.maxPerPayment in that many decimals is more base units than"
                        + " this terminal counts (at most 2^63 - 1); lower till.maxPerPayment or use a purse with"
                        + " fewer decimals");
            }
        }
    }

    /** A purse's own limit, else the terminal-wide key's text read in the purse's decimals. */
    private static long purseAmount(ConfigFile file, String key, String terminalWideKey, String fallback, int decimals) {
        return file.amount(key, file.text(terminalWideKey, fallback), decimals);
    }

    /** {@code merchant.category}: the kind of merchant, which a purse's spending rules may name. */
    private static Optional<String> merchantCategory(ConfigFile file) {
        Optional<String> category = file.optionalText("merchant.category");
        if (category.isPresent() && !CATEGORY.matcher(category.get()).matches()) {
            throw new ConfigException(file.path(), "merchant.category", "must be 1 to 32 of a-z, 0-9 and '-', like"
                    + " horeca or sport; is \"" + category.get() + "\"");
        }
        return category;
    }

    /** The Dutch Chamber of Commerce (KvK) number: exactly eight digits. */
    private static Optional<String> kvk(ConfigFile file) {
        Optional<String> kvk = file.optionalText("merchant.kvk");
        if (kvk.isPresent() && !kvk.get().matches("[0-9]{8}")) {
            throw new ConfigException(file.path(), "merchant.kvk", "must be the 8 digits of a KvK number");
        }
        return kvk;
    }

    /** {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}, at least {@value #MIN_PIN_ITERATIONS} rounds. */
    static Optional<String> slowHash(ConfigFile file, String key) {
        Optional<String> hash = file.optionalText(key);
        if (hash.isEmpty()) {
            return hash;
        }
        String[] parts = hash.get().split("\\$", -1);
        boolean wellFormed = parts.length == 4 && parts[0].equals("pbkdf2-sha256") && parts[1].matches("[0-9]{1,9}")
                && Integer.parseInt(parts[1]) >= MIN_PIN_ITERATIONS
                && parts[2].matches("[A-Za-z0-9+/=]{16,}") && parts[3].matches("[A-Za-z0-9+/=]{43,}");
        if (!wellFormed) {
            throw new ConfigException(file.path(), key, "is not a pbkdf2-sha256 hash of at least "
                    + MIN_PIN_ITERATIONS + " iterations (write it with provision)");
        }
        return hash;
    }

    /** The fewest PBKDF2-HMAC-SHA256 iterations a manager PIN hash may use (OWASP's 2023 figure). */
    public static final int MIN_PIN_ITERATIONS = 210_000;

    /**
     * Exactly one of {@code settlement.keystore} (production) and {@code settlement.privateKey} (dev chains). The
     * files themselves are opened by the terminal at start-up, which names the key and file of any that fails.
     */
    private static SettlementKey settlementKey(ConfigFile file, Map<String, String> environment) {
        Optional<String> keystore = file.optionalText("settlement.keystore");
        Optional<String> hex = file.optionalText("settlement.privateKey");
        Optional<String> passwordFile = file.optionalText("settlement.passwordFile");
        if (keystore.isPresent() && hex.isPresent()) {
            throw new ConfigException(file.path(), "settlement.privateKey", "and settlement.keystore both set: the"
                    + " plain key is for dev chains only; keep settlement.keystore");
        }
        if (hex.isPresent()) {
            if (passwordFile.isPresent()) {
                throw new ConfigException(file.path(), "settlement.passwordFile", "is for settlement.keystore, which"
                        + " is not set");
            }
            if (!hex.get().matches("0x[0-9a-fA-F]{64}")) {
                throw new ConfigException(file.path(), "settlement.privateKey", "must be 0x followed by 64 hex digits");
            }
            return new DevPrivateKey(hex.get());
        }
        if (keystore.isEmpty()) {
            throw new ConfigException(file.path(), "settlement.keystore", "is required (the terminal's encrypted"
                    + " key, written by provision init)");
        }
        Path keystorePath = besideConfig(file, keystore.get());
        Path password;
        if (passwordFile.isPresent()) {
            password = besideConfig(file, passwordFile.get());
        } else if (environment.get("CREDENTIALS_DIRECTORY") != null) {
            password = Path.of(environment.get("CREDENTIALS_DIRECTORY")).resolve(KEYSTORE_PASSWORD_CREDENTIAL);
        } else {
            throw new ConfigException(file.path(), "settlement.passwordFile", "is required: no systemd credentials"
                    + " directory (CREDENTIALS_DIRECTORY) to find " + KEYSTORE_PASSWORD_CREDENTIAL + " in");
        }
        return new KeystoreKey(file.path(), keystorePath, password);
    }

    /**
     * The till API's TLS, required unless the API listens on loopback only or the config says the shop's network is
     * trusted ({@code till.allowPlainHttp=true}): the token and every payment cross the network in the clear else.
     */
    private static Optional<TillTls> tillTls(ConfigFile file, String host, SettlementKey settlementKey) {
        Optional<String> keystore = file.optionalText("till.tls.keystore");
        Optional<String> passwordFile = file.optionalText("till.tls.passwordFile");
        boolean allowPlainHttp = file.bool("till.allowPlainHttp", false);
        if (keystore.isEmpty()) {
            if (passwordFile.isPresent()) {
                throw new ConfigException(file.path(), "till.tls.passwordFile", "is for till.tls.keystore, which is"
                        + " not set");
            }
            if (!isLoopback(host) && !allowPlainHttp) {
                throw new ConfigException(file.path(), "till.tls.keystore", "is required: the till API listens on \""
                        + host + "\", which is not a loopback host, and plain HTTP would show the API token and every"
                        + " payment to the network. Make the certificate with provision init, or set"
                        + " till.allowPlainHttp=true if the network to the till is trusted");
            }
            return Optional.empty();
        }
        Path password;
        if (passwordFile.isPresent()) {
            password = besideConfig(file, passwordFile.get());
        } else if (settlementKey instanceof KeystoreKey settlementKeystore) {
            password = settlementKeystore.passwordFile();
        } else {
            throw new ConfigException(file.path(), "till.tls.passwordFile", "is required: there is no settlement"
                    + " keystore whose password it could share");
        }
        return Optional.of(new TillTls(file.path(), besideConfig(file, keystore.get()), password));
    }

    /** A token of its own: the monitoring system may read figures but must not be able to take payments. */
    private static Optional<String> metricsToken(ConfigFile file, String apiToken) {
        Optional<String> token = file.optionalText("metrics.token");
        if (token.isPresent() && token.get().length() < 24) {
            throw new ConfigException(file.path(), "metrics.token", "must be at least 24 characters");
        }
        if (token.isPresent() && token.get().equals(apiToken)) {
            throw new ConfigException(file.path(), "metrics.token", "must differ from till.apiToken: whoever scrapes"
                    + " the metrics must not be able to ask for payments");
        }
        return token;
    }

    /** A relative path is taken from the config file's directory, where provision init writes the keystore. */
    private static Path besideConfig(ConfigFile file, String path) {
        Path parent = file.path().toAbsolutePath().getParent();
        return parent == null ? Path.of(path) : parent.resolve(path);
    }

    private static Devices devices(ConfigFile file) {
        String reader = file.text("card.reader", "pcsc");
        if (!reader.equals("pcsc") && !reader.equals("none")) {
            throw new ConfigException(file.path(), "card.reader", "must be pcsc or none, is \"" + reader + "\"");
        }
        Optional<CardReader> cardReader = reader.equals("none") ? Optional.empty()
                : Optional.of(new CardReader(file.optionalText("card.readerName"),
                        Duration.ofMillis(file.integer("card.apduTimeoutMillis", 3000, 50, 60_000))));
        Optional<HidScanner> hid = file.optionalText("scanner.hid.device")
                .map(device -> new HidScanner(Path.of(device), layout(file, "scanner.hid.layout")));
        Optional<SerialScanner> serial = file.optionalText("scanner.serial.port").map(port -> {
            String parity = file.text("scanner.serial.parity", "none");
            if (!parity.equals("none") && !parity.equals("odd") && !parity.equals("even")) {
                throw new ConfigException(file.path(), "scanner.serial.parity", "must be none, odd or even, is \""
                        + parity + "\"");
            }
            return new SerialScanner(port, (int) file.integer("scanner.serial.baud", 9600, 300, 4_000_000),
                    (int) file.integer("scanner.serial.dataBits", 8, 5, 8),
                    (int) file.integer("scanner.serial.stopBits", 1, 1, 2), parity);
        });
        Optional<String> cameraCommand = file.optionalText("camera.command");
        Optional<Path> cameraFifo = file.optionalText("camera.fifo").map(Path::of);
        if (cameraCommand.isPresent() && cameraFifo.isPresent()) {
            throw new ConfigException(file.path(), "camera.fifo", "and camera.command both set: choose one source");
        }
        Optional<Camera> camera = cameraCommand.isPresent() || cameraFifo.isPresent()
                ? Optional.of(new Camera(cameraCommand, cameraFifo, evenSize(file, "camera.width", 640),
                        evenSize(file, "camera.height", 480)))
                : Optional.empty();
        Optional<Gpio> gpio = file.bool("gpio.enabled", false)
                ? Optional.of(new Gpio(pin(file, "gpio.led.green", 17), pin(file, "gpio.led.red", 27),
                        pin(file, "gpio.led.blue", 22), pin(file, "gpio.led.yellow", 23), pin(file, "gpio.buzzer", 24),
                        pin(file, "gpio.relay", null),
                        Duration.ofMillis(file.integer("gpio.relay.pulseMillis", 1500, 10, 60_000)),
                        pin(file, "gpio.button.cancel", 25),
                        Duration.ofMillis(file.integer("indicators.outcomeHoldMillis", 3000, 100, 3_600_000))))
                : Optional.empty();
        Optional<HidScanner> pinPad = file.optionalText("pinpad.device")
                .map(device -> new HidScanner(Path.of(device), layout(file, "pinpad.layout")));
        return new Devices(cardReader, hid, serial, camera, gpio,
                Duration.ofSeconds(file.integer("card.pinTimeoutSeconds", 30, 5, 300)), pinPad);
    }

    /** The kernel's {@code input_event} layout of an evdev device: auto, 64 or 32 (bit). */
    private static String layout(ConfigFile file, String key) {
        String layout = file.text(key, "auto");
        if (!layout.equals("auto") && !layout.equals("64") && !layout.equals("32")) {
            throw new ConfigException(file.path(), key, "must be auto, 64 or 32, is \"" + layout + "\"");
        }
        return layout;
    }

    /** A frame side in pixels: YUV420 halves both sides for its colour planes, so it must be even. */
    private static int evenSize(ConfigFile file, String key, int standard) {
        int size = (int) file.integer(key, standard, 16, 4096);
        if (size % 2 != 0) {
            throw new ConfigException(file.path(), key, "must be even (YUV420 frames), is " + size);
        }
        return size;
    }

    /**
     * A BCM GPIO number on the 40-pin header (0 to 27): the standard one when the key is absent, none when it is
     * there but empty (that part is not fitted).
     */
    private static Optional<Integer> pin(ConfigFile file, String key, Integer standard) {
        if (!file.isPresent(key)) {
            return Optional.ofNullable(standard);
        }
        return file.optionalText(key).map(ignored -> (int) file.integer(key, 0, 0, 27));
    }

    /**
     * Plain http lets anyone on the way answer for the node: balances, the chain id, the time. Only a loopback host
     * (a node on this device, or a local tunnel) is safe without TLS, unless the owner says otherwise.
     */
    private static void requireSafeTransport(ConfigFile file, String key, boolean allowed, URI rpcUrl) {
        if (rpcUrl.getScheme().equals("http") && !isLoopback(rpcUrl.getHost()) && !allowed) {
            String allowKey = key.replace("rpcUrl", "allowPlainHttp");
            throw new ConfigException(file.path(), key, "is plain http to \"" + rpcUrl.getHost()
                    + "\", which is not a loopback host: anyone on the way could answer for the node. Use https,"
                    + " or set " + allowKey + "=true if the network to it is trusted");
        }
    }

    /** A signed document's source: its signature is what is trusted, but a plain-http fetch is still refused. */
    private static void requireHttpsOrLoopback(ConfigFile file, String key, URI url) {
        if (!url.getScheme().equals("https") && !isLoopback(url.getHost())) {
            throw new ConfigException(file.path(), key, "must be https (plain http only to a loopback host"
                    + " such as 127.0.0.1), is \"" + url + "\"");
        }
    }

    private static DenyListSettings denyList(ConfigFile file, Path journal, long chainId) {
        Optional<String> issuer = file.optionalAddress("denyList.issuer");
        Optional<URI> url = file.optionalText("denyList.url").map(ignored -> file.uri("denyList.url"));
        url.ifPresent(u -> requireHttpsOrLoopback(file, "denyList.url", u));
        if (url.isPresent() && issuer.isEmpty()) {
            throw new ConfigException(file.path(), "denyList.url", "needs denyList.issuer: without the municipal"
                    + " signer's address no fetched list can be verified");
        }
        Duration maxAge = Duration.ofHours(file.integer("denyList.maxAgeHours", 48, 1, 30L * 24));
        Duration syncInterval = Duration.ofSeconds(file.integer("denyList.syncIntervalSeconds", 900, 10, 86_400));
        Path directory = journal.toAbsolutePath().getParent();
        return new DenyListSettings(directory.resolve(DENY_LIST_FILE), chainId, issuer, url, maxAge, syncInterval);
    }

    /** By the literal name only (the sync adapter applies the same rule): DNS must not make a host local. */
    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.matches("127(\\.[0-9]{1,3}){3}") || bare.equals("::1");
    }

    private static ZoneId zone(ConfigFile file) {
        String text = file.text("merchant.timeZone", "Europe/Amsterdam");
        try {
            return ZoneId.of(text);
        } catch (java.time.DateTimeException e) {
            throw new ConfigException(file.path(), "merchant.timeZone", "is not a time zone: " + text);
        }
    }
}
