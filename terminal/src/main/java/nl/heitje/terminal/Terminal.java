// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import nl.heitje.terminal.adapter.web3j.Web3jClients;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.file.AcknowledgementFile;
import nl.heitje.terminal.adapter.file.ContactFile;
import nl.heitje.terminal.adapter.file.SignedDenyListStore;
import nl.heitje.terminal.adapter.http.DenyListSync;
import nl.heitje.terminal.adapter.http.SignedDocumentSync;
import nl.heitje.terminal.adapter.file.SignedSpendingRulesStore;
import nl.heitje.terminal.adapter.javalin.JavalinTillApi;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.adapter.web3j.SettlementKeys;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.adapter.web3j.Web3jTransferLogs;
import nl.heitje.terminal.adapter.sqlite.SqliteHolderSnapshot;
import nl.heitje.terminal.app.HolderSnapshotSync;
import nl.heitje.terminal.domain.OfflineFunds;
import nl.heitje.terminal.app.ChainTrust;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PaymentEventBus;
import nl.heitje.terminal.app.SettlementWorker;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.ApprovalRules;
import nl.heitje.terminal.domain.ClockCheck;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.domain.Eligibility;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ContactLog;
import nl.heitje.terminal.port.SignedDocumentInbox;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ServiceManager;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.domain.Button;
import nl.heitje.terminal.app.IndicatorPanel;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * The composition root: the one place that knows every adapter, builds the service from its config and the
 * devices it is given, and owns the background work (payment expiry, chain probe, settlement).
 */
public final class Terminal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());
    private static final BigInteger WEI_PER_GWEI = BigInteger.TEN.pow(9);

    private final TerminalConfig config;
    private final Clock clock;
    private final SqliteJournal journal;
    private final Web3j web3j;
    private final Web3j paymentWeb3j;
    private final Connectivity connectivity;
    private final PaymentDesk desk;
    private final PaymentEventBus events;
    private final SettlementWorker settlement;
    private final JavalinTillApi tillApi;
    private final CounterDevices devices;
    private final ServiceManager serviceManager;
    private final Optional<IndicatorPanel> indicatorPanel;
    private final ScheduledExecutorService background;
    private final Token token;
    private final List<Token> tokens;
    private final List<Purse> purses;
    private final SignedSpendingRulesStore spendingRules;
    /** One per purse whose issuer publishes its rules at a URL. */
    private final Map<Token, SignedDocumentSync> spendingRulesSyncs;
    private final SqliteHolderSnapshot snapshot;
    private final HolderSnapshotSync snapshotSync;
    /** Guards {@link #nextRound}: the one settlement round planned and not yet started. */
    private final Object rounds = new Object();
    private java.util.concurrent.ScheduledFuture<?> nextRound;
    private final SignedDenyListStore denyList;
    private final Optional<DenyListSync> denyListSync;
    private final ChainTrust trust;

    private Terminal(TerminalConfig config, CounterDevices devices, Clock clock, ServiceManager serviceManager) {
        // First, before anything is opened: a keystore that does not open stops start-up with nothing to undo.
        Credentials settlementKey = SettlementKeys.open(config.settlement().key());
        this.serviceManager = serviceManager;
        this.config = config;
        this.clock = clock;
        this.devices = devices;
        this.tokens = config.tokens().stream()
                .map(t -> new Token(t.symbol(), t.chainId(), Address.parse(t.contract()), t.eip712Name(),
                        t.eip712Version(), t.decimals()))
                .toList();
        this.token = tokens.get(0);
        this.journal = SqliteJournal.open(config.storage().journal(), tokens);
        // Two clients to the same node. Settlement may wait for a slow answer; a customer at the counter may not:
        // past the payment budget (DNS and connect included) the offline rules decide.
        this.web3j = Web3jClients.bounded(config.chain().rpcUrl().toString(), config.chain().requestTimeout());
        this.paymentWeb3j = Web3jClients.bounded(config.chain().rpcUrl().toString(), config.chain().paymentLookupBudget());
        Web3jChain chain = new Web3jChain(web3j, token.chainId(), settlementKey,
                config.chain().batchContract().map(Address::parse), config.settlement().batchSize(),
                config.chain().logRangeBlocks());
        Web3jChain paymentChain = new Web3jChain(paymentWeb3j, token.chainId(),
                settlementKey, config.chain().batchContract().map(Address::parse),
                config.settlement().batchSize(), config.chain().logRangeBlocks());
        var trusting = config.trust();
        ContactLog contacts = new ContactFile(trusting.contactFile());
        Optional<ContactLog.Contact> lastContact = contacts.last();
        this.connectivity = new Connectivity(chain, clock, lastContact.map(ContactLog.Contact::at).orElse(Instant.EPOCH),
                lastContact.map(ContactLog.Contact::block).orElse(0L));
        this.trust = new ChainTrust(chain, tokens, connectivity, contacts, journal::firstBrokenLink,
                new AcknowledgementFile(trusting.journalBreakAcknowledgement()),
                new ClockCheck(trusting.clockTolerance(), trusting.maxBlockLag()),
                new ApprovalRules(trusting.maxSinceContact()), clock, System::nanoTime);
        var offline = config.offline();
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
                new OfflineFunds(offline.maxSnapshotAge()),
                new Eligibility(merchant, config.merchant().category(), spendingRules::standing));
        this.snapshot = SqliteHolderSnapshot.open(config.snapshot().file());
        this.snapshotSync = new HolderSnapshotSync(new Web3jTransferLogs(web3j), snapshot,
                IntStream.range(0, tokens.size()).mapToObj(i -> new HolderSnapshotSync.Source(tokens.get(i),
                        config.tokens().get(i).deployBlock())).toList(),
                new HolderSnapshotSync.Settings(config.snapshot().confirmations(), config.snapshot().logRangeBlocks()),
                clock);
        var denyListSettings = config.storage().denyList();
        this.denyList = SignedDenyListStore.open(denyListSettings.file(),
                denyListSettings.issuer().map(Address::parse), token.chainId(), denyListSettings.maxAge(), clock);
        this.denyListSync = denyListSettings.url()
                .map(url -> new DenyListSync(url, denyList, DenyListSync.DEFAULT_TIMEOUT, clock));
        var authorizer = new PaymentAuthorizer(rules, paymentChain, connectivity, journal, denyList, snapshot, trust,
                clock);
        this.events = new PaymentEventBus();
        this.desk = new PaymentDesk(journal, authorizer, events, clock,
                new PaymentDesk.Timeouts(config.till().paymentTimeout(), config.devices().pinTimeout()),
                this::settlePromptly);
        this.indicatorPanel = devices.panel().map(panel -> IndicatorPanel.withOwnTimer(panel.indicators(),
                panel.settings()));
        var settling = config.settlement();
        this.settlement = new SettlementWorker(journal, chain, connectivity, new SettlementWorker.Policy(
                settling.batchSize(), settling.confirmations(), settling.replaceAfter(),
                BigInteger.valueOf(settling.maxFeePerGasGwei()).multiply(WEI_PER_GWEI), settling.retryBackoff()), clock,
                () -> trust.report().nodeVerified());
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        IntStream.range(0, tokens.size()).forEach(i -> issuers.put(tokens.get(i),
                config.tokens().get(i).issuer().map(Address::parse)));
        this.tillApi = new JavalinTillApi(new JavalinTillApi.Settings(config.till().host(), config.till().port(),
                config.till().apiToken(), new Euros(config.till().maxPerPayment())), desk, this::health,
                new JavalinTillApi.Reporting(journal, new PayoutStatement.Merchant(config.merchant().name(),
                        config.merchant().kvk(), merchant), issuers, clock));
        // Four threads: a deny-list fetch may wait up to its timeout, and a first holder-snapshot sync may run long;
        // neither may hold up housekeeping or settlement.
        this.background = Executors.newScheduledThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "terminal-background");
            thread.setDaemon(true);
            return thread;
        });
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
        // Before the till can ask for anything: the journal's hash chain, the node's identity and our clock.
        terminal.trust.verifyJournal();
        terminal.connectivity.probe();
        quietly("chain trust", terminal.trust::refresh);
        terminal.tillApi.start();
        terminal.indicatorPanel.ifPresent(panel -> {
            panel.listenTo(terminal.events);
            panel.showOnline(terminal.connectivity.isOnline());
        });
        devices.panel().ifPresent(panel -> panel.buttons().onPress(Button.CANCEL, terminal.desk::cancelWaiting));
        devices.qrSources().forEach(source -> source.start(terminal.desk::presentQr));
        devices.cardReaders().forEach(reader -> reader.start(terminal.desk::presentCard));
        devices.pinPads().forEach(pad -> pad.start(terminal::pinKeyed));
        long probeMillis = config.chain().probeInterval().toMillis();
        terminal.background.scheduleWithFixedDelay(terminal::tick, probeMillis, probeMillis, TimeUnit.MILLISECONDS);
        terminal.background.scheduleWithFixedDelay(terminal::syncHolderSnapshotQuietly, 0, probeMillis,
                TimeUnit.MILLISECONDS);
        terminal.scheduleRound(0);
        terminal.background.scheduleWithFixedDelay(() -> quietly("journal verification", terminal.trust::verifyJournal),
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

    public Connectivity connectivity() {
        return connectivity;
    }

    public int tillPort() {
        return tillApi.port();
    }

    public Token token() {
        return token;
    }

    /** The purses this terminal takes, in the merchant's order of preference. */
    public List<Purse> purses() {
        return purses;
    }

    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        var state = connectivity.state();
        health.put("status", "UP");
        health.put("online", state.online());
        health.put("pendingSettlement", journal.unsettledCount());
        health.put("blockedPayers", journal.blockedPayers().size());
        health.put("unacknowledgedLosses", journal.unacknowledgedLosses());
        health.put("settlementAtRisk", journal.unsettledExpiringBefore(clock.instant().plus(config.settlement().atRisk())));
        health.put("settlementStuckAtFeeCap", settlement.isStuckAtFeeCap());
        health.put("merchant", config.merchant().address());
        health.put("token", token.symbol());
        health.put("lastChainContact", state.lastContact().getEpochSecond() == 0 ? null : state.lastContact().toString());
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
        return health;
    }

    /** The trust gate: may we approve, each check's finding, and every reason why not as {@code warnings}. */
    private void putTrust(Map<String, Object> health) {
        ChainTrust.Report report = trust.report();
        List<String> warnings = new ArrayList<>(report.verdict().warnings());
        DenyListStanding standing = denyList.standing();
        if (!standing.allowsOfflineApprovals()) {
            warnings.add("the deny-list is " + standing.kind() + ": no offline approvals");
        }
        if (settlement.isStuckAtFeeCap()) {
            warnings.add("a settlement transaction is stuck at settlement.maxFeePerGasGwei");
        }
        devices.cardReaders().stream().map(CardReader::status).filter(status -> !status.present())
                .forEach(status -> warnings.add("no card reader: " + status.problem().orElse("none found")
                        + " (card payments wait for one; card.reader=none if this counter has none)"));
        health.put("warnings", warnings);
        health.put("approvals", Map.of("online", report.verdict().online(), "offline", report.verdict().offline()));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("verified", report.nodeVerified());
        node.put("chainId", report.nodeChainId().orElse(null));
        node.put("problem", report.nodeProblem().orElse(null));
        health.put("node", node);
        Map<String, Object> clockHealth = new LinkedHashMap<>();
        clockHealth.put("confirmed", report.clockConfirmed());
        report.clockReading().ifPresent(reading -> {
            clockHealth.put("block", reading.block());
            clockHealth.put("aheadOfBlockSeconds", reading.ahead().toSeconds());
        });
        clockHealth.put("toleranceSeconds", config.trust().clockTolerance().toSeconds());
        clockHealth.put("problem", report.clockProblem().orElse(null));
        health.put("clock", clockHealth);
        Map<String, Object> journalHealth = new LinkedHashMap<>();
        journalHealth.put("intact", report.journalChecked() && report.firstBrokenLink().isEmpty());
        journalHealth.put("firstBrokenLink", report.firstBrokenLink().orElse(null));
        journalHealth.put("acknowledged", report.breakAcknowledged());
        health.put("journal", journalHealth);
        health.put("lastTrustedContact", report.lastTrustedContact().map(c -> c.at().toString()).orElse(null));
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

    /** Brings the holder snapshot up to the chain now (the simulator calls it after minting, so tests need not wait). */
    /**
     * Brings the holder snapshot up to the chain now (the simulator calls it after minting, so tests need not wait).
     * Only from a node whose identity checked out: offline, the snapshot is the only word on a payer's funds, so a
     * node of another chain (or one that lies about it) must not write it. False when it did not sync.
     */
    public boolean syncHolderSnapshot() {
        if (!trust.report().nodeVerified()) {
            return false;
        }
        snapshotSync.syncOnce();
        return true;
    }

    private void syncHolderSnapshotQuietly() {
        if (connectivity.isOnline()) {
            quietly("holder snapshot sync", this::syncHolderSnapshot);
        }
    }

    private Map<String, Object> snapshotHealth() {
        Instant now = clock.instant();
        OfflineFunds funds = new OfflineFunds(config.offline().maxSnapshotAge());
        Map<String, Object> perToken = new LinkedHashMap<>();
        for (Token each : tokens) {
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

    /** The housekeeping timer; each chore fails alone, so a dead disk cannot stop the chain probe, or the reverse. */
    private void tick() {
        quietly("payment expiry", desk::expireIfOverdue);
        quietly("journal checkpoint", journal::checkpoint);
        boolean wasOnline = connectivity.isOnline();
        quietly("chain probe", connectivity::probe);
        quietly("chain trust", trust::refresh);
        indicatorPanel.ifPresent(panel -> quietly("offline light", () -> panel.showOnline(connectivity.isOnline())));
        // Last: the round came round, the desk's lock was free (expiry took it), so the terminal is alive.
        quietly("service keep-alive", serviceManager::alive);
        if (!wasOnline && connectivity.isOnline()) {
            // The network is back: what was approved offline settles now, not at the next interval.
            scheduleRound(0);
        }
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
     * settled within the prompt delay rather than at the next interval (one batch per prompt delay at most).
     */
    private void settlePromptly(Payment decided) {
        if (decided.status() == PaymentStatus.APPROVED && !decided.offline()) {
            scheduleRound(config.settlement().onlinePrompt().toMillis());
        }
    }

    /** Runs a settlement round and plans the next: soon while a batch is in flight, else after the interval. */
    private void settleAndReschedule() {
        synchronized (rounds) {
            nextRound = null;
        }
        long delay = config.settlement().interval().toMillis();
        try {
            SettlementWorker.Round round = settlement.runOnce();
            if (round == SettlementWorker.Round.COMPLETED) {
                // Work was finished: go on at once with whatever is still pending (a backlog after a day offline);
                // with nothing left, the next round is IDLE and waits the interval.
                delay = 0;
            } else if (round == SettlementWorker.Round.SUBMITTED || round == SettlementWorker.Round.AWAITING_RECEIPT) {
                delay = Math.min(delay, 500);
            } else if (round == SettlementWorker.Round.OFFLINE || round == SettlementWorker.Round.REJECTED
                    || round == SettlementWorker.Round.UNTRUSTED_NODE) {
                delay = Math.min(delay, config.chain().probeInterval().toMillis());
            }
        } catch (RuntimeException fault) {
            LOG.log(Level.WARNING, "settlement round failed; will try again", fault);
        }
        scheduleRound(delay);
    }

    /** Plans the next settlement round in {@code delayMillis}, unless one is already planned sooner. */
    private void scheduleRound(long delayMillis) {
        synchronized (rounds) {
            if (background.isShutdown()) {
                return;
            }
            if (nextRound != null && nextRound.getDelay(TimeUnit.MILLISECONDS) <= delayMillis) {
                return;
            }
            if (nextRound != null) {
                nextRound.cancel(false);
            }
            nextRound = background.schedule(this::settleAndReschedule, delayMillis, TimeUnit.MILLISECONDS);
        }
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
        quietly("record the last chain contact", trust::flush);
        tillApi.close();
        web3j.shutdown();
        paymentWeb3j.shutdown();
        snapshot.close();
        journal.close();
        events.close();
    }

}
