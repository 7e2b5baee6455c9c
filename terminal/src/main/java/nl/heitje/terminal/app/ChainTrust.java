// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.ApprovalRules;
import nl.heitje.terminal.domain.ClockCheck;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.Acknowledgements;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.ContactLog;
import nl.heitje.terminal.port.NodeFacts;
import nl.heitje.terminal.port.TamperEvidence;

/**
 * The trust gate: decides whether this terminal may approve now, online and offline, from four checks that run off
 * the payment path. The node's identity (chain id, and each token's EIP-712 domain separator) is checked at
 * start-up and after every reconnect, and again on every refresh while it does not match. Our clock is compared
 * with the newest block on every refresh; until the chain has confirmed it since start-up nothing is approved,
 * and a confirmed clock stays trusted only while it keeps pace with the monotonic clock. The journal's hash chain
 * is verified at start-up and daily. The last trusted contact is kept in a {@link ContactLog} across restarts.
 *
 * <p>The payment path only reads: {@link #refusesOnline()} and {@link #refusesOffline()} do no IO and never wait
 * for a refresh in progress.
 */
public final class ChainTrust implements ApprovalGate {
    private static final Logger LOG = Logger.getLogger(ChainTrust.class.getName());
    /** The contact file is rewritten at most this often: a terminal online all day must not wear its SD card out. */
    static final Duration RECORD_EVERY = Duration.ofMinutes(1);
    private static final String NOT_CONFIRMED = "our clock has not been confirmed by the chain since the terminal"
            + " started (a Raspberry Pi has no real-time clock): no approvals until the chain is reached";

    private final NodeFacts node;
    private final List<Token> tokens;
    private final Connectivity connectivity;
    private final ContactLog contacts;
    private final TamperEvidence journal;
    private final Acknowledgements acknowledgements;
    private final ClockCheck clockCheck;
    private final ApprovalRules rules;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Map<Token, byte[]> expectedSeparators = new ConcurrentHashMap<>();

    // Guarded by this; held only to read or swap, never during IO.
    private Identity identity = new Identity(null, Optional.of("the node has not been checked yet"), null);
    private Confirmation confirmation;
    private Optional<String> clockProblem = Optional.of(NOT_CONFIRMED);
    private Optional<String> headProblem = Optional.empty();
    private ClockCheck.Reading lastReading;
    private JournalState journalState = new JournalState(false, Optional.empty(), OptionalLong.empty(),
            Optional.of("the journal's hash chain has not been verified yet"));
    private Optional<ContactLog.Contact> lastContact;
    private Instant lastRecorded;

    /** The node's identity as checked for one connection ({@code session}: when it came online). */
    private record Identity(Instant session, Optional<String> problem, Long chainId) {
        boolean verifiedFor(Instant since) {
            return problem.isEmpty() && since.equals(session);
        }
    }

    /** When the chain last confirmed our clock, by the wall clock and by the monotonic one. */
    private record Confirmation(Instant at, long nanos) {
    }

    private record JournalState(boolean checked, Optional<Long> brokenLink, OptionalLong acknowledged,
                                Optional<String> problem) {
    }

    /** What health shows: the verdict and each check's finding. */
    public record Report(ApprovalRules.Verdict verdict, boolean nodeVerified, Optional<Long> nodeChainId,
                         Optional<String> nodeProblem, boolean clockConfirmed, Optional<ClockCheck.Reading> clockReading,
                         Optional<String> clockProblem, boolean journalChecked, Optional<Long> firstBrokenLink,
                         boolean breakAcknowledged, Optional<ContactLog.Contact> lastTrustedContact) {
    }

    /**
     * @param tokens   the accepted tokens; the first one's chain id is the chain the node must serve, and every
     *                 token on that chain must answer its configured domain separator
     * @param nanoTime a monotonic clock ({@code System::nanoTime}), to notice the wall clock being set
     */
    public ChainTrust(NodeFacts node, List<Token> tokens, Connectivity connectivity, ContactLog contacts,
                      TamperEvidence journal, Acknowledgements acknowledgements, ClockCheck clockCheck,
                      ApprovalRules rules, Clock clock, LongSupplier nanoTime) {
        this.node = node;
        this.tokens = List.copyOf(tokens);
        this.connectivity = connectivity;
        this.contacts = contacts;
        this.journal = journal;
        this.acknowledgements = acknowledgements;
        this.clockCheck = clockCheck;
        this.rules = rules;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.lastContact = contacts.last();
        this.lastRecorded = lastContact.map(ContactLog.Contact::at).orElse(null);
    }

    @Override
    public Optional<String> refusesOnline() {
        List<String> refusals = verdict().onlineRefusals();
        return refusals.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refusals));
    }

    @Override
    public Optional<String> refusesOffline() {
        List<String> refusals = verdict().offlineRefusals();
        return refusals.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refusals));
    }

    public synchronized ApprovalRules.Verdict verdict() {
        Instant now = clock.instant();
        noticeClockJump(now, nanoTime.getAsLong());
        Optional<String> nodeProblem = connectivity.isOnline() && !identity.verifiedFor(connectivity.state().since())
                ? Optional.of(identity.problem().orElse("the node has not been checked since it was reached again"))
                : Optional.empty();
        return rules.judge(new ApprovalRules.Findings(nodeProblem, headProblem, clockProblem, journalState.problem(),
                lastContact.map(ContactLog.Contact::at)), now);
    }

    public synchronized Report report() {
        ApprovalRules.Verdict verdict = verdict();
        boolean verified = identity.session() != null && identity.problem().isEmpty();
        return new Report(verdict, verified, Optional.ofNullable(identity.chainId()), identity.problem(),
                clockProblem.isEmpty(), Optional.ofNullable(lastReading), clockProblem, journalState.checked(),
                journalState.brokenLink(), journalState.brokenLink().isPresent()
                        && journalState.acknowledged().equals(OptionalLong.of(journalState.brokenLink().get())),
                lastContact);
    }

    /**
     * After a chain probe: checks the node's identity when this connection has not been verified yet (or did not
     * match), then our clock against the newest block, and records the contact when both hold. Also picks up a
     * manager's acknowledgement of a journal break.
     */
    public void refresh() {
        checkAcknowledgement();
        Connectivity.State state = connectivity.state();
        if (!state.online()) {
            return;
        }
        Identity current;
        synchronized (this) {
            current = identity;
        }
        try {
            if (!current.verifiedFor(state.since())) {
                current = checkIdentity(state.since());
                synchronized (this) {
                    identity = current;
                }
                if (current.problem().isPresent()) {
                    LOG.warning("node not trusted for online approvals: " + current.problem().get());
                    return;
                }
                LOG.info("node verified: chain id " + current.chainId() + ", token domains as configured");
            }
            NodeFacts.Head head = node.head();
            judgeClock(head);
        } catch (ChainUnavailableException unreachable) {
            // The probe will notice; what was found stands until the node answers again.
            LOG.fine("trust refresh: chain unreachable: " + unreachable.getMessage());
        }
    }

    private Identity checkIdentity(Instant session) {
        long expected = tokens.get(0).chainId();
        long served;
        try {
            served = node.nodeChainId();
        } catch (ChainRejectedException refused) {
            return new Identity(session, Optional.of("the node did not answer eth_chainId: " + refused.getMessage()),
                    null);
        }
        if (served != expected) {
            return new Identity(session, Optional.of("the node serves chain id " + served + ", not the configured "
                    + expected + ": online approvals stop"), served);
        }
        for (Token token : tokens) {
            if (token.chainId() != expected) {
                continue;
            }
            byte[] onChain;
            try {
                onChain = node.domainSeparator(token);
            } catch (ChainRejectedException refused) {
                return new Identity(session, Optional.of("token " + token.symbol() + " at " + token.contract()
                        + " did not answer DOMAIN_SEPARATOR(): " + refused.getMessage()), served);
            }
            byte[] configured = expectedSeparators.computeIfAbsent(token, Eip3009::domainSeparator);
            if (!Arrays.equals(onChain, configured)) {
                return new Identity(session, Optional.of("token " + token.symbol() + " at " + token.contract()
                        + " has EIP-712 domain separator " + Hex.encode(onChain) + ", not "
                        + Hex.encode(configured) + " of the configured domain (name \"" + token.eip712Name()
                        + "\", version \"" + token.eip712Version() + "\", chain id " + token.chainId()
                        + "): online approvals stop"), served);
            }
        }
        return new Identity(session, Optional.empty(), served);
    }

    private void judgeClock(NodeFacts.Head head) {
        Instant now = clock.instant();
        long nanos = nanoTime.getAsLong();
        ClockCheck.Reading reading = clockCheck.judge(now, head.number(), head.timestamp());
        boolean agrees;
        synchronized (this) {
            lastReading = reading;
            noticeClockJump(now, nanos);
            agrees = reading.agreement() == ClockCheck.Agreement.AGREES;
            switch (reading.agreement()) {
                case AGREES -> {
                    if (clockProblem.isPresent()) {
                        LOG.info("clock confirmed: " + reading.describe());
                    }
                    confirmation = new Confirmation(now, nanos);
                    clockProblem = Optional.empty();
                    headProblem = Optional.empty();
                }
                case BEHIND_THE_CHAIN -> {
                    confirmation = null;
                    clockProblem = Optional.of(reading.describe() + " (clock.toleranceSeconds "
                            + clockCheck.tolerance().toSeconds() + "): no approvals until it is set right");
                    headProblem = Optional.empty();
                    LOG.warning(clockProblem.get());
                }
                case AHEAD_OF_THE_CHAIN -> {
                    // A clock the chain confirmed, and that kept pace with the monotonic clock since, is not what
                    // went wrong: the node is stale. Without a confirmation we cannot tell, and trust neither.
                    headProblem = Optional.of(reading.describe() + " (clock.maxBlockLagSeconds "
                            + clockCheck.maxBlockLag().toSeconds() + "): no online approvals on a stale head");
                    if (confirmation == null) {
                        clockProblem = Optional.of("our clock cannot be confirmed: " + reading.describe()
                                + ": no approvals until it can");
                    }
                    LOG.warning(headProblem.get());
                }
                default -> throw new IllegalStateException("unknown agreement " + reading.agreement());
            }
            if (agrees) {
                lastContact = Optional.of(new ContactLog.Contact(now, head.number()));
            }
        }
        if (agrees) {
            recordContact(false);
        }
    }

    /** Guarded by this. A wall clock that moved against the monotonic one loses its confirmation. */
    private void noticeClockJump(Instant now, long nanos) {
        if (confirmation != null && clockCheck.jumped(confirmation.at(), confirmation.nanos(), now, nanos)) {
            Duration drift = clockCheck.drift(confirmation.at(), confirmation.nanos(), now, nanos);
            clockProblem = Optional.of("our clock moved " + drift.toSeconds() + " s against the time that passed since"
                    + " the chain confirmed it: no approvals until the chain confirms it again");
            confirmation = null;
            LOG.warning(clockProblem.get());
        }
    }

    /** Writes the last trusted contact when it is due ({@link #RECORD_EVERY}), or now when {@code force}. */
    private void recordContact(boolean force) {
        ContactLog.Contact due;
        synchronized (this) {
            if (lastContact.isEmpty()) {
                return;
            }
            Instant at = lastContact.get().at();
            boolean newer = lastRecorded == null || at.isAfter(lastRecorded);
            boolean spaced = lastRecorded == null || !at.isBefore(lastRecorded.plus(RECORD_EVERY));
            if (!newer || (!force && !spaced)) {
                return;
            }
            due = lastContact.get();
        }
        try {
            contacts.record(due);
            synchronized (this) {
                lastRecorded = due.at();
            }
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "cannot record the last chain contact; will try again", failed);
        }
    }

    /** Writes the last trusted contact now, if newer than the one recorded: at shutdown. */
    public void flush() {
        recordContact(true);
    }

    /** Verifies the journal's hash chain from its first redemption: at start-up and daily. */
    public void verifyJournal() {
        Optional<Long> broken;
        try {
            broken = journal.firstBrokenLink();
        } catch (RuntimeException unreadable) {
            LOG.log(Level.SEVERE, "the journal's hash chain cannot be verified", unreadable);
            synchronized (this) {
                journalState = new JournalState(false, Optional.empty(), OptionalLong.empty(),
                        Optional.of("the journal's hash chain cannot be verified: " + unreadable.getMessage()));
            }
            return;
        }
        OptionalLong acknowledged = broken.isPresent() ? acknowledgements.journalBreak() : OptionalLong.empty();
        JournalState state = journalState(broken, acknowledged);
        synchronized (this) {
            journalState = state;
        }
        state.problem().ifPresentOrElse(LOG::severe, () -> LOG.info(broken.isPresent()
                ? "journal hash chain broken at " + broken.get() + ", acknowledged by a manager"
                : "journal hash chain intact"));
    }

    /** While a break stands unacknowledged, looks whether a manager has acknowledged it since. */
    private void checkAcknowledgement() {
        JournalState state;
        synchronized (this) {
            state = journalState;
        }
        if (state.brokenLink().isEmpty() || state.problem().isEmpty()) {
            return;
        }
        JournalState now = journalState(state.brokenLink(), acknowledgements.journalBreak());
        if (now.problem().isEmpty()) {
            LOG.warning("journal break at redemption " + state.brokenLink().get() + " acknowledged by a manager");
            synchronized (this) {
                journalState = now;
            }
        }
    }

    private JournalState journalState(Optional<Long> broken, OptionalLong acknowledged) {
        if (broken.isEmpty()) {
            return new JournalState(true, broken, acknowledged, Optional.empty());
        }
        long link = broken.get();
        boolean ok = acknowledged.isPresent() && acknowledged.getAsLong() == link;
        return new JournalState(true, broken, acknowledged, ok ? Optional.empty() : Optional.of(
                "the journal's hash chain is broken at redemption " + link + " (altered or damaged): no approvals"
                        + " until a manager acknowledges it; " + acknowledgements.howToAcknowledgeJournalBreak(link)));
    }
}
