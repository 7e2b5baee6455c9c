// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.file.AcknowledgementFile;
import nl.heitje.terminal.adapter.file.SignedDenyListStore;
import nl.heitje.terminal.adapter.http.DenyListSync;
import nl.heitje.terminal.adapter.http.SignedDocumentSync;
import nl.heitje.terminal.adapter.file.SignedSpendingRulesStore;
import nl.heitje.terminal.adapter.javalin.JavalinTillApi;
import nl.heitje.terminal.adapter.javalin.TillTls;
import nl.heitje.terminal.adapter.javalin.MetricsEndpoint;
import nl.heitje.terminal.adapter.micrometer.TerminalMetrics;
import nl.heitje.terminal.adapter.javalin.merchant.MerchantPage;
import nl.heitje.terminal.adapter.sqlite.SqliteHolderSnapshot;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.adapter.web3j.SettlementKeys;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.ChainTrust;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.HolderSnapshotSync;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PaymentChangeFeed;
import nl.heitje.terminal.app.PaymentEventBus;
import nl.heitje.terminal.app.PublishingSettlementQueue;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.app.ReceiptPrinting;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.domain.Eligibility;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.OfflineFunds;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.SignedDocumentInbox;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ServiceManager;
import org.web3j.crypto.Credentials;

/**
 * The composition root: the one place that knows every adapter, builds the service from its config and the
 * devices it is given, and owns the background work (payment expiry, chain probe, settlement).
 */
public final class Terminal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());

    private final TerminalConfig config;
    private final Clock clock;
    private final SqliteJournal journal;
    /** One per chain a purse lives on, the first token's chain first. */
    private final List<ChainLink> chains;
    private final Map<Long, ChainLink> chainsById;
    private final PaymentDesk desk;
    private final PaymentEventBus events;
    private final PaymentChangeFeed changes;
    private final JavalinTillApi tillApi;
    private final CounterDevices devices;
    private final ServiceManager serviceManager;
    private final Optional<IndicatorPanel> indicatorPanel;
    /** Receipts and X/Z slips, when the counter has a printer. */
    private final Optional<ReceiptPrinting> receipts;
    private final ScheduledExecutorService background;
    private final Token token;
    private final List<Token> tokens;
    private final List<Purse> purses;
    private final SignedSpendingRulesStore spendingRules;
    /** One per purse whose issuer publishes its rules at a URL. */
    private final Map<Token, SignedDocumentSync> spendingRulesSyncs;
    private final SqliteHolderSnapshot snapshot;
    private final SignedDenyListStore denyList;
    private final Optional<DenyListSync> denyListSync;
    /** The journal's hash chain as last verified: one walk of it serves the trust gate of every chain. */
    private volatile Supplier<Optional<Long>> journalVerdict = () -> {
        throw new IllegalStateException("the journal's hash chain has not been verified yet");
    };

    private Terminal(TerminalConfig config, CounterDevices devices, Clock clock, ServiceManager serviceManager) {
        // First, before anything is opened: a keystore that does not open stops start-up with nothing to undo.
        Credentials settlementKey = SettlementKeys.open(config.settlement().key());
        this.serviceManager = serviceManager;
        this.config = config;
        this.clock = clock;
        this.devices = devices;
        this.tokens = tokensOf(config);
        this.token = tokens.get(0);
        this.journal = SqliteJournal.open(config.storage().journal(), tokens);
        this.snapshot = SqliteHolderSnapshot.open(config.snapshot().file());
        // The till's event stream: every payment change, the settlement's included; a till may be 1000 changes behind.
        this.changes = new PaymentChangeFeed(journal::find, 1000, 256);
        List<Long> chainIds = tokens.stream().map(Token::chainId).distinct().toList();
        // Per chain: a chain's probe, holder snapshot sync and settlement round each may wait for a dead node up
        // to the request timeout; none may hold up another chain's, housekeeping, or the deny-list fetch.
        this.background = Executors.newScheduledThreadPool(2 + 3 * chainIds.size(), runnable -> {
            Thread thread = new Thread(runnable, "terminal-background");
            thread.setDaemon(true);
            return thread;
        });
        var acknowledgements = new AcknowledgementFile(config.trust().journalBreakAcknowledgement());
        List<ChainLink> links = new ArrayList<>();
        for (long chainId : chainIds) {
            List<HolderSnapshotSync.Source> sources = IntStream.range(0, tokens.size())
                    .filter(i -> tokens.get(i).chainId() == chainId)
                    .mapToObj(i -> new HolderSnapshotSync.Source(tokens.get(i), config.tokens().get(i).deployBlock()))
                    .toList();
            links.add(new ChainLink(config.chain().endpoint(chainId), sources, config, settlementKey,
                    ChainLink.contactFileOf(config.trust().contactFile(), chainId, links.isEmpty()),
                    () -> journalVerdict.get(), acknowledgements,
                    new PublishingSettlementQueue(journal.settlementQueue(chainId), changes::changed), snapshot, clock,
                    background));
        }
        this.chains = List.copyOf(links);
        this.chainsById = chains.stream().collect(Collectors.toUnmodifiableMap(ChainLink::chainId, link -> link));
        Address merchant = Address.parse(config.merchant().address());
        this.purses = IntStream.range(0, tokens.size()).mapToObj(i -> {
            var limits = config.tokens().get(i).limits();
            return new Purse(tokens.get(i), new OfflineLimits(limits.maxPerPayment(), limits.maxPerPayerPerDay(),
                    limits.maxTotalExposure(), limits.maxCount()), limits.maxUnsettledOnline());
        }).toList();
        this.spendingRules = SignedSpendingRulesStore.open(config.storage().dataDirectory(),
                IntStream.range(0, tokens.size()).mapToObj(i -> new SignedSpendingRulesStore.Purse(tokens.get(i),
                        config.tokens().get(i).issuer().map(Address::parse))).toList(), clock);
        this.spendingRulesSyncs = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token purse = tokens.get(i);
            config.tokens().get(i).rulesUrl().ifPresent(url -> spendingRulesSyncs.put(purse,
                    SignedDocumentSync.spendingRules(purse, url, spendingRules.inbox(purse),
                            SignedDocumentSync.DEFAULT_TIMEOUT, clock)));
        }
        var rules = new PaymentAuthorizer.Rules(merchant, purses,
                config.settlement().onlineWindow(), config.settlement().offlineWindow(), config.merchant().zone(),
                new OfflineFunds(config.offline().maxSnapshotAge()),
                new Eligibility(merchant, config.merchant().category(), spendingRules::standing));
        var denyListSettings = config.storage().denyList();
        this.denyList = SignedDenyListStore.open(denyListSettings.file(),
                denyListSettings.issuer().map(Address::parse), token.chainId(), denyListSettings.maxAge(), clock);
        this.denyListSync = denyListSettings.url()
                .map(url -> new DenyListSync(url, denyList, DenyListSync.DEFAULT_TIMEOUT, clock));
        var authorizer = new PaymentAuthorizer(rules, new PurseChains() {
            @Override
            public ChainReader reader(Token purse) {
                return chainOf(purse).paymentReader();
            }

            @Override
            public Connectivity connectivity(Token purse) {
                return chainOf(purse).connectivity();
            }

            @Override
            public ApprovalGate gate(Token purse) {
                return chainOf(purse).trust();
            }
        }, journal, denyList, snapshot, clock);
        this.events = new PaymentEventBus();
        this.desk = new PaymentDesk(journal, authorizer, events, clock,
                new PaymentDesk.Timeouts(config.till().paymentTimeout(), config.devices().pinTimeout()),
                this::settlePromptly);
        changes.follow(events);
        desk.whenVoided(changes::changed);
        this.indicatorPanel = devices.panel().map(panel -> IndicatorPanel.withOwnTimer(panel.indicators(),
                panel.settings()));
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        IntStream.range(0, tokens.size()).forEach(i -> issuers.put(tokens.get(i),
                config.tokens().get(i).issuer().map(Address::parse)));
        this.receipts = ReceiptPrinters.printing(config, devices, clock);
        var reporting = new JavalinTillApi.Reporting(receipts.map(r -> r.printingEveryClose(journal)).orElse(journal),
                new PayoutStatement.Merchant(config.merchant().name(), config.merchant().kvk(), merchant), issuers,
                clock);
        var merchantPage = new MerchantPage(new MerchantPage.Settings(config.merchantWeb().passwordHash(),
                config.merchantWeb().explorerTxUrls(), config.merchantWeb().sessionIdle(),
                config.merchantWeb().sessionMaximum(), config.merchant().zone()), desk, journal, reporting);
        this.tillApi = new JavalinTillApi(new JavalinTillApi.Settings(config.till().host(), config.till().port(),
                config.till().apiToken(), new Euros(config.till().maxPerPayment()),
                config.till().tls().map(TillTls::open), config.till().metricsToken().map(this::metricsEndpoint)),
                desk, this::health, reporting,
                new JavalinTillApi.Services(changes, () -> chains.forEach(link -> link.scheduleRound(0))),
                merchantPage::addTo);
    }

    /** The meters behind {@code GET /metrics}: fed by the payment events, the rest read when scraped. */
    private MetricsEndpoint metricsEndpoint(String token) {
        Address nobody = Address.parse("0x0000000000000000000000000000000000000000");
        TerminalMetrics metrics = new TerminalMetrics(events,
                tokens.stream().map(purse -> new TerminalMetrics.Purse(purse.symbol(), purse.decimals(),
                        () -> journal.offlineExposure(purse, nobody, clock.instant()).unsettledTotal())).toList(),
                chains.stream().map(link -> new TerminalMetrics.Chain(link.chainId(),
                        () -> journal.oldestUnsettled(link.chainId()), () -> journal.failedSettlements(link.chainId()),
                        () -> journal.unsettledCount(link.chainId()))).toList(),
                config.storage().journal(), clock);
        return new MetricsEndpoint(token, metrics::scrape, TerminalMetrics.contentType());
    }

    private ChainLink chainOf(Token purse) {
        ChainLink link = chainsById.get(purse.chainId());
        if (link == null) {
            throw new IllegalArgumentException("no chain " + purse.chainId() + " is configured for " + purse.symbol());
        }
        return link;
    }


    /** Builds the terminal with QR sources only (tests and tools). */
    public static Terminal start(TerminalConfig config, List<QrSource> qrSources, Clock clock) {
        return start(config, CounterDevices.scanners(qrSources), clock);
    }

    /** Builds the terminal and starts its till API, devices and background work. */
    public static Terminal start(TerminalConfig config, CounterDevices devices, Clock clock) {
        return start(config, devices, clock, ServiceManager.NONE);
    }

    /**
     * As {@link #start(TerminalConfig, CounterDevices, Clock)}, kept alive with {@code serviceManager} by every
     * housekeeping round: a round that never comes (a stalled desk, a wedged thread) lets the manager restart us.
     */
    public static Terminal start(TerminalConfig config, CounterDevices devices, Clock clock,
                                 ServiceManager serviceManager) {
        Terminal terminal = new Terminal(config, devices, clock, serviceManager);
        // Before the till can ask for anything: the journal's hash chain, each node's identity and our clock.
        terminal.verifyJournal();
        // All chains at once: start-up waits for the slowest node, not for the sum of them.
        CompletableFuture.allOf(terminal.chains.stream()
                .map(link -> CompletableFuture.runAsync(link::probe, terminal.background))
                .toArray(CompletableFuture[]::new)).join();
        terminal.receipts.ifPresent(printing -> printing.listenTo(terminal.events));
        terminal.tillApi.start();
        terminal.indicatorPanel.ifPresent(panel -> {
            panel.listenTo(terminal.events);
            panel.showOnline(terminal.everyChainOnline());
        });
        devices.panel().ifPresent(panel -> panel.buttons().onPress(Button.CANCEL, terminal.desk::cancelWaiting));
        devices.qrSources().forEach(source -> source.start(terminal.desk::presentQr));
        devices.cardReaders().forEach(reader -> reader.start(terminal.desk::presentCard));
        devices.pinPads().forEach(pad -> pad.start(terminal::pinKeyed));
        long probeMillis = config.chain().probeInterval().toMillis();
        terminal.background.scheduleWithFixedDelay(terminal::tick, probeMillis, probeMillis, TimeUnit.MILLISECONDS);
        for (ChainLink link : terminal.chains) {
            // Each chain on its own schedule: a probe that waits out a dead node's timeout delays no other chain's.
            terminal.background.scheduleWithFixedDelay(() -> terminal.probe(link), probeMillis, probeMillis,
                    TimeUnit.MILLISECONDS);
            terminal.background.scheduleWithFixedDelay(link::syncHolderSnapshotQuietly, 0, probeMillis,
                    TimeUnit.MILLISECONDS);
            link.scheduleRound(0);
        }
        terminal.background.scheduleWithFixedDelay(() -> quietly("journal verification", terminal::verifyJournal),
                1, 1, TimeUnit.DAYS);
        // Not gated on the chain being reachable: the list server may answer when the node does not, which is
        // exactly when a fresh list matters (offline approvals need one).
        terminal.spendingRulesSyncs.values().forEach(sync -> terminal.background.scheduleWithFixedDelay(
                () -> quietly("spending-rules sync", sync::syncOnce), 0,
                config.storage().denyList().syncInterval().toMillis(), TimeUnit.MILLISECONDS));
        terminal.denyListSync.ifPresent(sync -> terminal.background.scheduleWithFixedDelay(
                () -> quietly("deny-list sync", sync::syncOnce), 0,
                config.storage().denyList().syncInterval().toMillis(), TimeUnit.MILLISECONDS));
        return terminal;
    }

    public TerminalConfig config() {
        return config;
    }

    public PaymentDesk desk() {
        return desk;
    }

    /** Every state change of a payment session, in order (lights and buzzer, the staff screen, the event stream). */
    public PaymentEventBus events() {
        return events;
    }

    /** The receipt printing, when the counter has a printer: for a copy of a receipt, or an X report on demand. */
    public Optional<ReceiptPrinting> receipts() {
        return receipts;
    }

    /** Every payment change, numbered: what the till's event stream serves. */
    public PaymentChangeFeed changes() {
        return changes;
    }

    /** The first token's chain's connectivity. */
    public Connectivity connectivity() {
        return chains.get(0).connectivity();
    }

    /** The connectivity of the chain with this id; empty when no purse lives on it. */
    public Optional<Connectivity> connectivity(long chainId) {
        return Optional.ofNullable(chainsById.get(chainId)).map(ChainLink::connectivity);
    }

    /** The chain ids the purses live on, the first token's first. */
    public List<Long> chainIds() {
        return chains.stream().map(ChainLink::chainId).toList();
    }

    public int tillPort() {
        return tillApi.port();
    }

    /** {@code https} when the till API is served over TLS ({@code till.tls.keystore}), else {@code http}. */
    public String tillScheme() {
        return tillApi.scheme();
    }

    public Token token() {
        return token;
    }

    /** The configured tokens, in the config's order (the merchant's order of preference). */
    public static List<Token> tokensOf(TerminalConfig config) {
        return config.tokens().stream()
                .map(t -> new Token(t.symbol(), t.chainId(), Address.parse(t.contract()), t.eip712Name(),
                        t.eip712Version(), t.decimals()))
                .toList();
    }

    /** The purses this terminal takes, in the merchant's order of preference. */
    public List<Purse> purses() {
        return purses;
    }

    /** The journal's X and Z figures (the staff screen's reports, like the till's). */
    public nl.heitje.terminal.port.Reports reports() {
        return journal;
    }

    public Clock clock() {
        return clock;
    }

    /** What the staff screen's status line shows: each chain's reachability, unsettled approvals, every warning. */
    public nl.heitje.terminal.adapter.lanterna.StaffStatus staffStatus() {
        Map<Long, Boolean> online = new LinkedHashMap<>();
        chains.forEach(link -> online.put(link.chainId(), link.connectivity().isOnline()));
        // Not the whole health answer: the screen asks every second, and health reads the journal a dozen ways.
        List<String> warnings = warnings(chains.stream().map(link -> link.trust().report()).toList());
        int losses = journal.unacknowledgedLosses();
        if (losses > 0) {
            warnings.add(losses + " failed settlement(s) to acknowledge");
        }
        return new nl.heitje.terminal.adapter.lanterna.StaffStatus(online, journal.unsettledCount(), warnings);
    }

    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        // The top-level chain fields are the first token's chain, as before purses; "chains" has each.
        var state = chains.get(0).connectivity().state();
        health.put("status", "UP");
        health.put("online", state.online());
        health.put("pendingSettlement", journal.unsettledCount());
        health.put("blockedPayers", journal.blockedPayers().size());
        health.put("unacknowledgedLosses", journal.unacknowledgedLosses());
        health.put("settlementAtRisk", journal.unsettledExpiringBefore(clock.instant().plus(config.settlement().atRisk())));
        health.put("settlementStuckAtFeeCap", chains.stream().anyMatch(link -> link.settlement().isStuckAtFeeCap()));
        health.put("merchant", config.merchant().address());
        health.put("token", token.symbol());
        health.put("lastChainContact", lastContact(state));
        health.put("waitingPayment", desk.waiting().map(p -> p.id()).orElse(null));
        health.put("session", desk.sessionState().map(Enum::name).orElse(null));
        health.put("cardReaders", devices.cardReaders().stream().map(reader -> {
            CardReader.Status status = reader.status();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("present", status.present());
            one.put("reader", status.reader().orElse(null));
            one.put("problem", status.problem().orElse(null));
            return one;
        }).toList());
        health.put("denyList", denyListHealth());
        health.put("spendingRules", spendingRulesHealth());
        health.put("snapshot", snapshotHealth());
        putTrust(health);
        health.put("chains", chains.stream().map(this::chainHealth).toList());
        health.put("purses", tokens.stream().map(this::purseHealth).toList());
        return health;
    }

    private static String lastContact(Connectivity.State state) {
        return state.lastContact().getEpochSecond() == 0 ? null : state.lastContact().toString();
    }

    private Map<String, Object> chainHealth(ChainLink link) {
        Map<String, Object> one = new LinkedHashMap<>();
        var state = link.connectivity().state();
        ChainTrust.Report report = link.trust().report();
        one.put("chainId", link.chainId());
        one.put("rpcHost", link.rpcHost());
        one.put("online", state.online());
        one.put("lastChainContact", lastContact(state));
        one.put("pendingSettlement", journal.unsettledCount(link.chainId()));
        one.put("settlementStuckAtFeeCap", link.settlement().isStuckAtFeeCap());
        one.put("approvals", Map.of("online", report.verdict().online(), "offline", report.verdict().offline()));
        one.put("node", nodeHealth(report));
        one.put("clock", clockHealth(report));
        one.put("lastTrustedContact", report.lastTrustedContact().map(c -> c.at().toString()).orElse(null));
        return one;
    }

    private Map<String, Object> purseHealth(Token purse) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("symbol", purse.symbol());
        one.put("chainId", purse.chainId());
        one.put("online", chainOf(purse).connectivity().isOnline());
        one.put("pendingSettlement", journal.unsettledCount(purse));
        return one;
    }

    /**
     * The trust gates: may we approve, each check's finding, and every reason why not as {@code warnings}. The
     * approvals are every chain's together (a purse on a chain that refuses is refused); node, clock and contact
     * are the first chain's, each chain's own are under "chains".
     */
    private void putTrust(Map<String, Object> health) {
        List<ChainTrust.Report> reports = chains.stream().map(link -> link.trust().report()).toList();
        ChainTrust.Report report = reports.get(0);
        health.put("warnings", warnings(reports));
        health.put("approvals", Map.of(
                "online", reports.stream().allMatch(r -> r.verdict().online()),
                "offline", reports.stream().allMatch(r -> r.verdict().offline())));
        health.put("node", nodeHealth(report));
        health.put("clock", clockHealth(report));
        Map<String, Object> journalHealth = new LinkedHashMap<>();
        journalHealth.put("intact", report.journalChecked() && report.firstBrokenLink().isEmpty());
        journalHealth.put("firstBrokenLink", report.firstBrokenLink().orElse(null));
        journalHealth.put("acknowledged", report.breakAcknowledged());
        health.put("journal", journalHealth);
        health.put("lastTrustedContact", report.lastTrustedContact().map(c -> c.at().toString()).orElse(null));
    }

    /** Every condition that needs a person: the chains' trust, the deny-list, a stuck settlement, a device. */
    private List<String> warnings(List<ChainTrust.Report> reports) {
        List<String> warnings = new ArrayList<>(chainWarnings(reports));
        DenyListStanding standing = denyList.standing();
        if (!standing.allowsOfflineApprovals()) {
            warnings.add("the deny-list is " + standing.kind() + ": no offline approvals");
        }
        for (ChainLink link : chains) {
            if (link.settlement().isStuckAtFeeCap()) {
                warnings.add("a settlement transaction" + onChain(link) + " is stuck at settlement.maxFeePerGasGwei");
            }
        }
        devices.cardReaders().stream().map(CardReader::status).filter(status -> !status.present())
                .forEach(status -> warnings.add("no card reader: " + status.problem().orElse("none found")
                        + " (card payments wait for one; card.reader=none if this counter has none)"));
        receipts.flatMap(ReceiptPrinting::warning).ifPresent(warnings::add);
        return warnings;
    }

    /**
     * Every chain's trust warnings. One every chain gives alike (the journal is shared) is said once; any other
     * names its chain when there is more than one.
     */
    private List<String> chainWarnings(List<ChainTrust.Report> reports) {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            for (String warning : reports.get(i).verdict().warnings()) {
                boolean everyChain = reports.stream().allMatch(r -> r.verdict().warnings().contains(warning));
                String said = everyChain ? warning : "chain " + chains.get(i).chainId() + ": " + warning;
                if (!warnings.contains(said)) {
                    warnings.add(said);
                }
            }
        }
        return warnings;
    }

    /** " on chain N" when the terminal has more than one chain, else nothing: one chain needs no name. */
    private String onChain(ChainLink link) {
        return chains.size() > 1 ? " on chain " + link.chainId() : "";
    }

    private static Map<String, Object> nodeHealth(ChainTrust.Report report) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("verified", report.nodeVerified());
        node.put("chainId", report.nodeChainId().orElse(null));
        node.put("problem", report.nodeProblem().orElse(null));
        return node;
    }

    private Map<String, Object> clockHealth(ChainTrust.Report report) {
        Map<String, Object> clockHealth = new LinkedHashMap<>();
        clockHealth.put("confirmed", report.clockConfirmed());
        report.clockReading().ifPresent(reading -> {
            clockHealth.put("block", reading.block());
            clockHealth.put("aheadOfBlockSeconds", reading.ahead().toSeconds());
        });
        clockHealth.put("toleranceSeconds", config.trust().clockTolerance().toSeconds());
        clockHealth.put("problem", report.clockProblem().orElse(null));
        return clockHealth;
    }

    /** Per purse: whether its rules are in force (and which), or why they are not known. */
    private Map<String, Object> spendingRulesHealth() {
        Map<String, Object> perPurse = new LinkedHashMap<>();
        for (SignedSpendingRulesStore.Health held : spendingRules.health()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("issuer", held.issuer().map(Address::hex).orElse(null));
            one.put("inForce", held.standing() instanceof RulesStanding.InForce);
            if (held.standing() instanceof RulesStanding.Unknown unknown) {
                one.put("problem", unknown.reason());
            }
            held.sequence().ifPresent(sequence -> one.put("sequence", sequence));
            held.issued().ifPresent(issued -> one.put("issued", issued.toString()));
            Optional.ofNullable(spendingRulesSyncs.get(held.purse())).flatMap(SignedDocumentSync::lastResult)
                    .ifPresent(result -> {
                        one.put("lastSync", result.at().toString());
                        one.put("lastSyncResult", describe(result));
                    });
            perPurse.put(held.purse().symbol(), one);
        }
        return perPurse;
    }

    private Map<String, Object> denyListHealth() {
        DenyListStanding standing = denyList.standing();
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("standing", standing.kind());
        list.put("offlineApprovals", standing.allowsOfflineApprovals());
        denyList.list().ifPresent(l -> {
            list.put("sequence", l.sequence());
            list.put("issued", l.issued().toString());
        });
        if (standing instanceof DenyListStanding.Unverifiable unverifiable) {
            list.put("reason", unverifiable.reason());
        }
        denyListSync.flatMap(DenyListSync::lastResult).ifPresent(result -> {
            list.put("lastSync", result.at().toString());
            list.put("lastSyncResult", describe(result));
        });
        return list;
    }

    /**
     * Brings the holder snapshots up to their chains now (the simulator calls it after minting, so tests need not
     * wait). Each chain only from a node whose identity checked out: offline, the snapshot is the only word on a
     * payer's funds, so a node of another chain (or one that lies about it) must not write it. False when a chain
     * did not sync; every other chain synced all the same.
     */
    public boolean syncHolderSnapshot() {
        boolean all = true;
        RuntimeException failed = null;
        for (ChainLink link : chains) {
            try {
                all &= link.syncHolderSnapshot();
            } catch (RuntimeException fault) {
                failed = failed == null ? fault : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return all;
    }

    private Map<String, Object> snapshotHealth() {
        Instant now = clock.instant();
        OfflineFunds funds = new OfflineFunds(config.offline().maxSnapshotAge());
        Map<String, Object> perToken = new LinkedHashMap<>();
        for (Token each : tokens) {
            HolderSnapshotSync snapshotSync = chainOf(each).snapshotSync();
            Map<String, Object> one = new LinkedHashMap<>();
            snapshot.coverage(each).ifPresentOrElse(coverage -> {
                one.put("block", coverage.block());
                one.put("blockTime", coverage.blockTime().toString());
                one.put("ageSeconds", coverage.age(now).toSeconds());
                one.put("offlineApprovals", funds.isFresh(coverage.age(now)));
            }, () -> one.put("offlineApprovals", false));
            one.put("holders", snapshot.holders(each));
            snapshotSync.lastOutcome(each).ifPresent(outcome -> one.put("lastOutcome", describe(outcome)));
            perToken.put(each.symbol(), one);
        }
        return perToken;
    }

    /** Health's words for the last snapshot round: stable text for a till or a monitor, not Java's record form. */
    private static String describe(HolderSnapshotSync.Outcome outcome) {
        if (outcome instanceof HolderSnapshotSync.UpToDate up) {
            return "UP_TO_DATE at block " + up.block();
        }
        if (outcome instanceof HolderSnapshotSync.Advanced advanced) {
            return "ADVANCED to block " + advanced.toBlock();
        }
        if (outcome instanceof HolderSnapshotSync.NodeBehind behind) {
            return "NODE_BEHIND: head " + behind.head() + " below block " + behind.syncedBlock();
        }
        if (outcome instanceof HolderSnapshotSync.HistoryChanged changed) {
            return "HISTORY_CHANGED at block " + changed.block();
        }
        HolderSnapshotSync.Failed failed = (HolderSnapshotSync.Failed) outcome;
        return "FAILED at block " + failed.reachedBlock() + ": " + failed.reason();
    }

    /** Health's words for the last fetch of a signed document (the deny-list, a purse's spending rules). */
    private static String describe(SignedDocumentSync.Result result) {
        if (result instanceof SignedDocumentSync.Result.Failed failed) {
            return "FAILED: " + failed.reason();
        }
        SignedDocumentInbox.Acceptance acceptance = ((SignedDocumentSync.Result.Received) result).acceptance();
        if (acceptance instanceof SignedDocumentInbox.Acceptance.Accepted accepted) {
            return "ACCEPTED sequence " + accepted.sequence();
        }
        if (acceptance instanceof SignedDocumentInbox.Acceptance.AlreadyHeld held) {
            return "ALREADY_HELD sequence " + held.sequence();
        }
        return "REFUSED: " + ((SignedDocumentInbox.Acceptance.Refused) acceptance).reason();
    }

    /**
     * The housekeeping timer; each chore fails alone, so a dead disk cannot stop the chain probes, or the reverse.
     * The chains are probed on timers of their own ({@link #probe}), so a dead node's timeout delays none of this.
     */
    private void tick() {
        quietly("payment expiry", desk::expireIfOverdue);
        quietly("journal checkpoint", journal::checkpoint);
        showOnline();
        // Last: the round came round, the desk's lock was free (expiry took it), so the terminal is alive.
        quietly("service keep-alive", serviceManager::alive);
    }

    /** One chain's probe and trust refresh; when the chain is back, what it was owed settles now. */
    private void probe(ChainLink link) {
        link.probe();
        showOnline();
    }

    /**
     * The offline light is on while ANY chain a purse lives on is offline: payments in that purse are then decided
     * on the offline rules and their limits, and the cashier cannot know beforehand which purse a customer pays
     * with. A light that waited for every chain to be gone would hide a dead chain behind a live one.
     */
    private void showOnline() {
        indicatorPanel.ifPresent(panel -> quietly("offline light", () -> panel.showOnline(everyChainOnline())));
    }

    private boolean everyChainOnline() {
        return chains.stream().allMatch(link -> link.connectivity().isOnline());
    }

    /** Verifies the journal's hash chain once and gives every chain's trust gate the result. */
    private void verifyJournal() {
        Supplier<Optional<Long>> verdict;
        try {
            Optional<Long> broken = journal.firstBrokenLink();
            verdict = () -> broken;
        } catch (RuntimeException unreadable) {
            verdict = () -> {
                throw unreadable;
            };
        }
        journalVerdict = verdict;
        chains.forEach(link -> link.trust().verifyJournal());
    }

    /** A PIN keyed on the counter's keypad; what it was is never logged. */
    private void pinKeyed(String pin) {
        try {
            desk.enterPin(pin);
        } catch (PaymentDesk.NotWaitingException | IllegalArgumentException refused) {
            LOG.info("a PIN pad entry was not taken: " + refused.getMessage());
        }
    }

    private static void quietly(String chore, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException fault) {
            LOG.log(Level.WARNING, chore + " failed; will try again", fault);
        }
    }

    /**
     * An online approval reserves nothing on chain: until it settles, the payer can move the money away. So it is
     * settled within the prompt delay rather than at the next interval (one batch per prompt delay at most), on
     * the chain it was paid on.
     */
    private void settlePromptly(Payment decided) {
        if (decided.status() == PaymentStatus.APPROVED && !decided.offline()) {
            Optional.ofNullable(chainsById.get(chainPaidOn(decided)))
                    .ifPresent(link -> link.scheduleRound(config.settlement().onlinePrompt().toMillis()));
        }
    }

    /** The chain an approved payment was paid on. */
    private static long chainPaidOn(Payment approved) {
        return approved.purse().chainId();
    }

    @Override
    public void close() {
        quietly("tell the service manager", serviceManager::stopping);
        background.shutdownNow();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        devices.qrSources().forEach(source -> quietly("close a QR source", source::close));
        devices.cardReaders().forEach(reader -> quietly("close a card reader", reader::close));
        devices.pinPads().forEach(pad -> quietly("close a PIN pad", pad::close));
        indicatorPanel.ifPresent(panel -> quietly("close the indicator panel", panel::close));
        devices.panel().ifPresent(panel -> quietly("close the panel's pins", panel.indicators()::close));
        devices.alsoClose().forEach(closeable -> quietly("close a device", () -> {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        tillApi.close();
        receipts.ifPresent(printing -> quietly("close the receipt printer", printing::close));
        chains.forEach(ChainLink::close);
        snapshot.close();
        journal.close();
        events.close();
    }

}
