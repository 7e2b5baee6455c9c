// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.domain.Funds;
import nl.heitje.terminal.domain.OfflineFunds;
import nl.heitje.terminal.domain.Eligibility;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.domain.ValidityWindow;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.DenyList;
import nl.heitje.terminal.port.HolderBalances;
import nl.heitje.terminal.port.Journal;

/**
 * Decides a waiting payment against a presented authorization, running the checks of payment-qr.md in their
 * order, and records the outcome. An approval is committed to the journal before this method returns it.
 */
public final class PaymentAuthorizer {
    private static final Logger LOG = Logger.getLogger(PaymentAuthorizer.class.getName());

    /**
     * The rules a terminal is configured with.
     *
     * @param purses       the purses this terminal takes, in the merchant's order of preference, each with its own
     *                     offline limits and cap on unsettled online approvals
     * @param offlineFunds the offline funds rule over the holder snapshot
     * @param eligibility  the purses' spending rules applied to this merchant: the words of a purse's refusal
     */
    public record Rules(Address merchant, List<Purse> purses, Duration onlineSettlementWindow,
                        Duration offlineSettlementWindow, ZoneId zone, OfflineFunds offlineFunds,
                        Eligibility eligibility) {
        public Rules {
            purses = List.copyOf(purses);
        }

        public List<Token> tokens() {
            return purses.stream().map(Purse::token).toList();
        }

        /** The purse of a token at this chain and contract; empty when this terminal does not take it. */
        public Optional<Purse> purseAt(long chainId, Address contract) {
            return purses.stream().filter(p -> p.token().isAt(chainId, contract)).findFirst();
        }
    }

    private final Rules rules;
    private final PurseChains chains;
    private final Journal journal;
    private final DenyList denyList;
    private final HolderBalances snapshot;
    private final Clock clock;
    private final Map<Token, byte[]> domainSeparators = new ConcurrentHashMap<>();
    private final List<Step> steps;

    /**
     * @param snapshot what each holder held as of the last synced block: offline, a payer's funds are that less
     *                 this terminal's unsettled redemptions from them
     * @param chains   each token's chain: its node, its connectivity, and its gate, whether this terminal may approve
     *                 there at all: when it refuses online, the chain's word is not taken and the offline rules
     *                 decide; when it refuses offline, an offline payment is {@code OFFLINE_LIMIT}
     */
    public PaymentAuthorizer(Rules rules, PurseChains chains, Journal journal, DenyList denyList,
                             HolderBalances snapshot, Clock clock) {
        this.rules = rules;
        this.chains = chains;
        this.journal = journal;
        this.denyList = denyList;
        this.snapshot = snapshot;
        this.clock = clock;
        this.steps = steps();
    }

    /**
     * @param decoded empty when the presented code could not be decoded
     * @return the payment, now approved or declined, as recorded
     */
    public Payment decide(Payment waiting, Optional<TransferAuthorization> decoded, PaymentMethod method) {
        if (decoded.isEmpty()) {
            return decline(waiting, DeclineCode.MALFORMED, null, null, null, method, false);
        }
        Attempt attempt = new Attempt(waiting, decoded.get(), method);
        for (Step step : steps) {
            Optional<DeclineCode> declined = step.check().check(attempt);
            if (declined.isPresent()) {
                return decline(waiting, declined.get(), attempt.reason, attempt.purse == null ? null
                        : attempt.purse.token(), attempt.authorization.from(), method, attempt.decidedOffline());
            }
        }
        return approve(attempt);
    }

    /**
     * Ends a waiting payment before any check could run, on the presenting device's word: a card that was taken
     * away, refused, or whose PIN was wrong. Nothing but the decline is written.
     *
     * @param reason       words for the till beyond the code (which purses the card refused), or null
     * @param payer        the card's address, when the card told it
     * @param pinTriesLeft the card's tries left, for a WRONG_PIN decline
     */
    public Payment declinePresentation(Payment waiting, DeclineCode code, String reason, Address payer,
                                       PaymentMethod method, Integer pinTriesLeft) {
        Payment declined = waiting.decline(code, reason, null, payer, method, false, now())
                .withPinTriesLeft(pinTriesLeft);
        journal.close(declined);
        return declined;
    }

    public Rules rules() {
        return rules;
    }

    /** One check of payment-qr.md: declines with a code, or lets the attempt go on to the next. */
    @FunctionalInterface
    interface Check {
        Optional<DeclineCode> check(Attempt attempt);
    }

    record Step(String name, Check check) {
    }

    /**
     * What the steps know about one attempt as they go: what was presented, and what the earlier steps found out
     * (the chain's view, the clock, the deny-list's verdict) for the later ones.
     */
    static final class Attempt {
        final Payment payment;
        final TransferAuthorization authorization;
        final PaymentMethod method;
        /** Set by the first step: the purse of the presented token, and what it must pay of this sale. */
        Purse purse;
        Token token;
        long amount;
        /** A decline's words beyond its code, when a step has them. */
        String reason;
        long unsettledFromPayer;
        /** Null until the chain was consulted: a decline before that was not decided offline. */
        ChainView view;
        Instant now;
        DenyList.Verdict listed;

        Attempt(Payment payment, TransferAuthorization authorization, PaymentMethod method) {
            this.payment = payment;
            this.authorization = authorization;
            this.method = method;
        }

        boolean decidedOffline() {
            return view != null && !view.online();
        }
    }

    /** The steps of payment-qr.md, in its order: first what needs neither clock nor chain, then the chain's word. */
    private List<Step> steps() {
        return List.of(
                new Step("purse accepted for this sale", this::purseAccepted),
                new Step("payee is this merchant", a -> a.authorization.to().equals(rules.merchant())
                        ? Optional.empty() : Optional.of(DeclineCode.WRONG_MERCHANT)),
                new Step("amount is what the purse may pay", this::amountMatches),
                new Step("signed by the payer", this::signedByPayer),
                new Step("chain consulted", this::consultChain),
                new Step("within its validity window", a -> ValidityWindow.check(a.authorization, a.now,
                        a.view.online() ? rules.onlineSettlementWindow() : rules.offlineSettlementWindow())),
                new Step("not replayed", a -> journal.hasSeen(a.authorization.from(), a.authorization.nonce())
                        || a.view.authorizationUsed() ? Optional.of(DeclineCode.REPLAYED) : Optional.empty()),
                new Step("payer not denied", this::payerNotDenied),
                new Step("funds and limits", a -> a.view.online()
                        ? Funds.check(a.view.balance(), a.unsettledFromPayer, a.amount)
                                .or(() -> onlineExposure(a.purse, a.amount))
                        : offlineRules(a.listed.standing(), a.purse, a.authorization.from(), a.amount, a.now)));
    }

    /**
     * The code names its token; this terminal must take that purse, the till must have offered it for this sale,
     * and its issuer's rules must let it pay something of it here. The reason says which of these failed.
     */
    private Optional<DeclineCode> purseAccepted(Attempt a) {
        Optional<Purse> purse = rules.purseAt(a.authorization.chainId(), a.authorization.token());
        if (purse.isEmpty()) {
            a.reason = "this terminal takes no purse of token " + a.authorization.token() + " on chain "
                    + a.authorization.chainId();
            return Optional.of(DeclineCode.TOKEN_NOT_ACCEPTED);
        }
        a.purse = purse.get();
        a.token = purse.get().token();
        Optional<Money> due = a.payment.due(a.token);
        if (due.isEmpty()) {
            a.reason = whyNotOffered(a.payment, a.token);
            return Optional.of(DeclineCode.TOKEN_NOT_ACCEPTED);
        }
        a.amount = due.get().units();
        return Optional.empty();
    }

    /** Why the sale does not offer this purse: its spending rules, else the till's choice of purses. */
    private String whyNotOffered(Payment payment, Token purse) {
        return rules.eligibility().assess(purse, payment.requested(), payment.sale().basket()).refusal()
                .orElse("the till did not offer " + purse.symbol() + " for this sale");
    }

    private Optional<DeclineCode> amountMatches(Attempt a) {
        if (a.authorization.value().equals(BigInteger.valueOf(a.amount))) {
            return Optional.empty();
        }
        a.reason = a.token.symbol() + " may pay " + a.payment.due(a.token).orElseThrow().toDecimalString()
                + " of this sale";
        return Optional.of(DeclineCode.AMOUNT_MISMATCH);
    }

    private Optional<DeclineCode> signedByPayer(Attempt a) {
        return isSignedBy(a.token, a.authorization, a.authorization.from())
                ? Optional.empty() : Optional.of(DeclineCode.BAD_SIGNATURE);
    }

    /** Whether the authorization's signature recovers to {@code signer} under the token's EIP-712 domain. */
    public boolean isSignedBy(Token token, TransferAuthorization authorization, Address signer) {
        byte[] digest = Eip3009.digest(domainSeparator(token), authorization);
        return Signatures.recoverSigner(digest, authorization.signature()).filter(signer::equals).isPresent();
    }

    public byte[] domainSeparator(Token token) {
        return domainSeparators.computeIfAbsent(token, Eip3009::domainSeparator);
    }

    /**
     * Gathers, never declines. What this terminal has taken from the payer and not yet settled is read BEFORE the
     * chain: a settlement that lands between the two reads is then counted twice (declining at worst), never nowhere.
     */
    private Optional<DeclineCode> consultChain(Attempt a) {
        a.unsettledFromPayer = chains.connectivity(a.token).isOnline()
                ? journal.unsettledFrom(a.token, a.authorization.from()) : 0;
        a.view = lookUp(a.token, a.authorization);
        a.now = now();
        return Optional.empty();
    }

    private Optional<DeclineCode> payerNotDenied(Attempt a) {
        a.listed = denyList.check(a.authorization.from());
        return a.listed.denied() || journal.isBlocked(a.authorization.from())
                ? Optional.of(DeclineCode.DENIED) : Optional.empty();
    }

    /** Every check passed: the approval is committed to the journal before anyone is told. */
    private Payment approve(Attempt a) {
        boolean offline = a.decidedOffline();
        Payment approved = a.payment.approve(a.token, a.authorization.from(), a.method, offline, a.now);
        try {
            journal.approve(approved, new Redemption(a.payment.id(), a.token, a.authorization, a.method, offline,
                    a.now, chains.lastBlock(a.token)));
        } catch (Journal.DuplicateAuthorizationException alreadyRecorded) {
            return decline(a.payment, DeclineCode.REPLAYED, null, a.token, a.authorization.from(), a.method, offline);
        }
        return approved;
    }

    /**
     * Offline, the deny-list is the municipality's only word on the payer, so without a fresh verified one there is
     * no offline approval at all. payment-qr.md names no code of its own for that; its step 9 lists the offline
     * rules, and a list too old to rely on is one of them: {@code OFFLINE_LIMIT}.
     */
    private Optional<DeclineCode> offlineRules(DenyListStanding list, Purse purse, Address payer, long amount,
                                               Instant now) {
        Token token = purse.token();
        Optional<String> untrusted = chains.gate(token).refusesOffline();
        if (untrusted.isPresent()) {
            LOG.info("offline approval refused: " + untrusted.get());
            return Optional.of(DeclineCode.OFFLINE_LIMIT);
        }
        if (!list.allowsOfflineApprovals()) {
            LOG.info("offline approval refused: the deny-list is " + list);
            return Optional.of(DeclineCode.OFFLINE_LIMIT);
        }
        return offlineFunds(token, payer, amount, now)
                .or(() -> purse.offlineLimits().check(amount, journal.offlineExposure(token, payer, startOfDay(now))));
    }

    /**
     * Offline, the holder snapshot stands in for the chain's balance: the payer's snapshot balance less what this
     * terminal has not yet settled from them (OfflineFunds). Before the limits, as funds come before limits online.
     */
    private Optional<DeclineCode> offlineFunds(Token token, Address payer, long amount, Instant now) {
        Optional<HolderBalances.Coverage> coverage = snapshot.coverage(token);
        Optional<BigInteger> balance = snapshot.balanceOf(token, payer);
        // Counted against the snapshot's own block: a payment settled after it is in neither the snapshot nor the
        // unsettled total, and must still count.
        long notInSnapshot = coverage.map(c -> journal.unsettledFromAsOf(token, payer, c.block()))
                .orElseGet(() -> journal.unsettledFrom(token, payer));
        Optional<DeclineCode> decline = rules.offlineFunds().check(coverage.map(c -> c.age(now)), balance,
                notInSnapshot, amount);
        if (decline.isPresent() && decline.get() == DeclineCode.OFFLINE_LIMIT) {
            LOG.info("offline approval refused: holder snapshot " + coverage.map(c -> "of block " + c.block()
                    + ", age " + c.age(now)).orElse("missing") + "; payer " + payer
                    + (balance.isPresent() ? " known" : " unknown to it"));
        }
        return decline;
    }

    /**
     * The terminal-wide cap on unsettled online approvals. Past it the answer is OFFLINE_LIMIT, the spec's code for
     * the terminal's own risk limits: the payer's funds are fine, the merchant's exposure is not (settlement is
     * catching up).
     */
    private Optional<DeclineCode> onlineExposure(Purse purse, long amount) {
        long open = journal.unsettledOnline(purse.token());
        return open + amount <= purse.maxUnsettledOnline() ? Optional.empty() : Optional.of(DeclineCode.OFFLINE_LIMIT);
    }

    /** What the chain says, when it can be reached; an unreachable chain switches this payment to offline rules. */
    private ChainView lookUp(Token token, TransferAuthorization authorization) {
        Connectivity connectivity = chains.connectivity(token);
        if (!connectivity.isOnline()) {
            return ChainView.OFFLINE;
        }
        Optional<String> untrusted = chains.gate(token).refusesOnline();
        if (untrusted.isPresent()) {
            LOG.info("the chain's word is not taken; deciding on offline rules: " + untrusted.get());
            return ChainView.OFFLINE;
        }
        try {
            ChainReader.PayerState state = chains.reader(token).payerState(token, authorization.from(),
                    authorization.nonce());
            connectivity.markOnline();
            return new ChainView(true, state.authorizationUsed(), state.balance());
        } catch (ChainUnavailableException unreachable) {
            connectivity.markOffline();
            return ChainView.OFFLINE;
        } catch (ChainRejectedException refused) {
            // The node answered but could not read the token (a misconfigured contract, a node without state):
            // the chain cannot vouch for this payer, so the offline rules and their limits decide.
            LOG.warning("chain refused the payer lookup; deciding on offline rules: " + refused.getMessage());
            return ChainView.OFFLINE;
        }
    }

    record ChainView(boolean online, boolean authorizationUsed, BigInteger balance) {
        static final ChainView OFFLINE = new ChainView(false, false, BigInteger.ZERO);
    }

    /** The journal keeps milliseconds; so do we, so a payment reads back exactly as it was answered. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private Instant startOfDay(Instant now) {
        return now.atZone(rules.zone()).toLocalDate().atStartOfDay(rules.zone()).toInstant();
    }

    private Payment decline(Payment waiting, DeclineCode code, String reason, Token purse, Address payer,
                            PaymentMethod method, boolean offline) {
        Payment declined = waiting.decline(code, reason, purse, payer, method, offline, now());
        journal.close(declined);
        return declined;
    }
}
