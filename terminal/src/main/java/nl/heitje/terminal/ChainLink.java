// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.file.ContactFile;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.adapter.web3j.Web3jClients;
import nl.heitje.terminal.adapter.web3j.Web3jTransferLogs;
import nl.heitje.terminal.app.ChainTrust;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.HolderSnapshotSync;
import nl.heitje.terminal.app.SettlementWorker;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.ApprovalRules;
import nl.heitje.terminal.domain.ClockCheck;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.Acknowledgements;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.ContactLog;
import nl.heitje.terminal.port.HolderSnapshotStore;
import nl.heitje.terminal.port.SettlementQueue;
import nl.heitje.terminal.port.TamperEvidence;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * One chain the terminal's purses live on, wired: its node (a client for settlement, and a bounded one for the
 * counter), whether it can be reached, whether it is trusted, its holder snapshot sync, and its settlement with its
 * own rounds. Each chain stands alone, so a chain whose node is gone, slow or lying holds up only its own purses.
 */
final class ChainLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ChainLink.class.getName());
    private static final BigInteger WEI_PER_GWEI = BigInteger.TEN.pow(9);

    private final long chainId;
    private final URI rpcUrl;
    private final List<Token> tokens;
    private final TerminalConfig config;
    private final Web3j web3j;
    private final Web3j paymentWeb3j;
    private final Web3jChain paymentChain;
    private final Connectivity connectivity;
    private final ChainTrust trust;
    private final HolderSnapshotSync snapshotSync;
    private final SettlementWorker settlement;
    private final ScheduledExecutorService background;
    /** Guards {@link #nextRound}: this chain's one settlement round planned and not yet started. */
    private final Object rounds = new Object();
    private ScheduledFuture<?> nextRound;

    /**
     * @param sources     this chain's tokens, with the block each was deployed in
     * @param contactFile where this chain's last trusted contact is kept
     * @param journal     the journal's hash chain, as last verified (one walk serves every chain)
     * @param queue       this chain's settlement queue: its redemptions and its batches only
     * @param background  where this chain's settlement rounds run
     */
    ChainLink(TerminalConfig.Endpoint endpoint, List<HolderSnapshotSync.Source> sources, TerminalConfig config,
              Credentials settlementKey, Path contactFile, TamperEvidence journal, Acknowledgements acknowledgements,
              SettlementQueue queue, HolderSnapshotStore snapshot, Clock clock, ScheduledExecutorService background) {
        this.chainId = endpoint.chainId();
        this.rpcUrl = endpoint.rpcUrl();
        this.tokens = sources.stream().map(HolderSnapshotSync.Source::token).toList();
        for (Token token : tokens) {
            if (token.chainId() != chainId) {
                throw new IllegalArgumentException("token " + token.symbol() + " is on chain " + token.chainId()
                        + ", not on chain " + chainId);
            }
        }
        this.config = config;
        this.background = background;
        var chainSettings = config.chain();
        var settling = config.settlement();
        Optional<Address> batchContract = endpoint.batchContract().map(Address::parse);
        // Two clients to the same node. Settlement may wait for a slow answer; a customer at the counter may not:
        // past the payment budget (DNS and connect included) the offline rules decide.
        this.web3j = Web3jClients.bounded(rpcUrl.toString(), chainSettings.requestTimeout());
        this.paymentWeb3j = Web3jClients.bounded(rpcUrl.toString(), chainSettings.paymentLookupBudget());
        Web3jChain chain = new Web3jChain(web3j, chainId, settlementKey, batchContract, settling.batchSize(),
                chainSettings.logRangeBlocks());
        this.paymentChain = new Web3jChain(paymentWeb3j, chainId, settlementKey, batchContract,
                settling.batchSize(), chainSettings.logRangeBlocks());
        var trusting = config.trust();
        ContactLog contacts = new ContactFile(contactFile);
        Optional<ContactLog.Contact> lastContact = contacts.last();
        this.connectivity = new Connectivity(chain, clock, lastContact.map(ContactLog.Contact::at).orElse(Instant.EPOCH),
                lastContact.map(ContactLog.Contact::block).orElse(0L));
        this.trust = new ChainTrust(chain, tokens, connectivity, contacts, journal, acknowledgements,
                new ClockCheck(trusting.clockTolerance(), trusting.maxBlockLag()),
                new ApprovalRules(trusting.maxSinceContact()), clock, System::nanoTime);
        this.snapshotSync = new HolderSnapshotSync(new Web3jTransferLogs(web3j), snapshot, sources,
                new HolderSnapshotSync.Settings(config.snapshot().confirmations(), config.snapshot().logRangeBlocks()),
                clock);
        this.settlement = new SettlementWorker(queue, chain, connectivity, new SettlementWorker.Policy(
                settling.batchSize(), settling.confirmations(), settling.replaceAfter(),
                BigInteger.valueOf(settling.maxFeePerGasGwei()).multiply(WEI_PER_GWEI), settling.retryBackoff()), clock,
                () -> trust.report().nodeVerified());
    }

    /**
     * Where a chain's last trusted contact is kept: the configured file for the first chain (a terminal that had
     * one chain keeps its record), a sibling named with the chain id for each other.
     */
    static Path contactFileOf(Path configured, long chainId, boolean first) {
        if (first) {
            return configured;
        }
        String name = configured.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String sibling = dot > 0 ? name.substring(0, dot) + "-" + chainId + name.substring(dot)
                : name + "-" + chainId;
        return configured.resolveSibling(sibling);
    }

    long chainId() {
        return chainId;
    }

    /** The node's host, for health: never its path or user info, which may carry an API key. */
    String rpcHost() {
        return rpcUrl.getHost();
    }

    List<Token> tokens() {
        return tokens;
    }

    Connectivity connectivity() {
        return connectivity;
    }

    ChainTrust trust() {
        return trust;
    }

    /** The node as the counter asks it, within the payment budget. */
    ChainReader paymentReader() {
        return paymentChain;
    }

    HolderSnapshotSync snapshotSync() {
        return snapshotSync;
    }

    SettlementWorker settlement() {
        return settlement;
    }

    /** Probes the node and refreshes trust; when the chain is back, what was approved meanwhile settles now. */
    void probe() {
        boolean wasOnline = connectivity.isOnline();
        quietly("probe", connectivity::probe);
        quietly("trust", trust::refresh);
        if (!wasOnline && connectivity.isOnline()) {
            scheduleRound(0);
        }
    }

    /**
     * Brings this chain's holder snapshots up to it now, only from a node whose identity checked out: offline, the
     * snapshot is the only word on a payer's funds. False when it did not sync.
     */
    boolean syncHolderSnapshot() {
        if (!trust.report().nodeVerified()) {
            return false;
        }
        snapshotSync.syncOnce();
        return true;
    }

    void syncHolderSnapshotQuietly() {
        if (connectivity.isOnline()) {
            quietly("holder snapshot sync", this::syncHolderSnapshot);
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
            LOG.log(Level.WARNING, "chain " + chainId + ": settlement round failed; will try again", fault);
        }
        scheduleRound(delay);
    }

    /** Plans this chain's next settlement round in {@code delayMillis}, unless one is already planned sooner. */
    void scheduleRound(long delayMillis) {
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

    private void quietly(String chore, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException fault) {
            LOG.log(Level.WARNING, "chain " + chainId + ": " + chore + " failed; will try again", fault);
        }
    }

    /** Records the last trusted contact and closes the clients; the scheduler is its owner's to stop. */
    @Override
    public void close() {
        quietly("record the last chain contact", trust::flush);
        web3j.shutdown();
        paymentWeb3j.shutdown();
    }
}
