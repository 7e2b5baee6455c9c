// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.HEIT_PURSE;
import static nl.heitje.terminal.support.Fixtures.MERCHANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.FakeSigningCard;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.ECKeyPair;

/**
 * Several purses at one merchant (a bar, category {@code horeca}): which purse may pay what of a sale, partial
 * payment, and each purse's own limits. Every spending-rule path is decided online and offline alike, because the
 * rules are the terminal's stored copy, not a chain read.
 */
class PursePaymentTest {
    private static final ECKeyPair PAYER = Authorizations.key("anna");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);
    private static final Token ENERGY = new Token("ENERGY", 31337,
            Address.parse("0x00000000000000000000000000000000000e4e26"), "Heerlen Energie", "1", 2);
    private static final Token VITA = new Token("VITA", 31337,
            Address.parse("0x000000000000000000000000000000000000717a"), "Heerlen Vitaal", "1", 2);
    /** Another city's token, on another chain, with six decimals. */
    private static final Token MSTR = new Token("MSTR", 31338,
            Address.parse("0x0000000000000000000000000000000000005757"), "Mestreechter Sjtuver", "1", 6);
    private static final Token LOCKED = new Token("LOCKED", 31337,
            Address.parse("0x0000000000000000000000000000000000000c0c"), "Rules Unknown", "1", 2);

    /** Energy credits: 5.00 per offline payment, 10.00 of online approvals open at most. */
    private static final Purse ENERGY_PURSE = new Purse(ENERGY, new OfflineLimits(5_00, 8_00, 100_00, 10), 10_00);
    private static final Purse VITA_PURSE = new Purse(VITA, Fixtures.OFFLINE_LIMITS, 1_000_00);
    private static final Purse MSTR_PURSE = new Purse(MSTR, new OfflineLimits(20_000_000, 30_000_000, 500_000_000,
            50), 1_000_000_000);
    private static final Purse LOCKED_PURSE = new Purse(LOCKED, Fixtures.OFFLINE_LIMITS, 1_000_00);

    private static final Map<Token, RulesStanding> RULES = Map.of(
            HEIT, new RulesStanding.InForce(SpendingRules.NONE),
            ENERGY, new RulesStanding.InForce(new SpendingRules(Optional.empty(), Optional.empty(),
                    Optional.of(Set.of("energy-saving")))),
            VITA, new RulesStanding.InForce(new SpendingRules(Optional.empty(),
                    Optional.of(Set.of("sport", "wellbeing")), Optional.empty())),
            MSTR, new RulesStanding.InForce(SpendingRules.NONE),
            LOCKED, new RulesStanding.Unknown("no verified rules from 0x00000000000000000000000000000000000000aa"));
    private static final Basket ENERGY_AND_SNACKS = new Basket(List.of(
            new Basket.Line("energy-saving", new Euros(6_00)), new Basket.Line("food", new Euros(4_00))));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    /** Units of every purse alike: plenty of each (100.00 MSTR with its six decimals). */
    private final FakeChainReader chain = new FakeChainReader().balance(PAYER_ADDRESS, 100_000_000);
    private final FakeHolderBalances snapshot = new FakeHolderBalances().balance(PAYER_ADDRESS, 100_000_000)
            .coveredUpTo(1_000, Fixtures.NOW.minusSeconds(60));
    private final PaymentAuthorizer.Rules rules = Fixtures.rules(
            List.of(HEIT_PURSE, ENERGY_PURSE, VITA_PURSE, MSTR_PURSE, LOCKED_PURSE), RULES::get);
    private SqliteJournal journal;
    private PaymentAuthorizer authorizer;
    private PaymentDesk desk;
    private int nonces;

    @BeforeEach
    void open() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), rules.tokens());
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        authorizer = new PaymentAuthorizer(rules,
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(), snapshot,
                clock);
        desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
    }

    @AfterEach
    void close() {
        journal.close();
    }

    static Stream<Boolean> onlineAndOffline() {
        return Stream.of(true, false);
    }

    // ---- what each purse may pay --------------------------------------------------------------------------

    @Test
    void eachPurseIsOfferedWhatItsRulesLetItPayOfTheBasket() {
        Payment waiting = request(new Euros(10_00), ENERGY_AND_SNACKS);

        assertEquals(List.of(HEIT, ENERGY, MSTR), List.copyOf(waiting.sale().eligible().keySet()),
                "VITA is not for bars and LOCKED's rules are unknown: neither is offered");
        assertEquals(new Euros(10_00), waiting.sale().eligibleFor(HEIT).orElseThrow());
        assertEquals(new Euros(6_00), waiting.sale().eligibleFor(ENERGY).orElseThrow());
        assertEquals(new Euros(10_00), waiting.sale().eligibleFor(MSTR).orElseThrow());
    }

    @Test
    void aPurseLimitedToProductsMayPayNothingOfASaleWithoutABasket() {
        Payment waiting = request(new Euros(10_00), Basket.NONE);

        assertEquals(Optional.of(Euros.ZERO), waiting.sale().eligibleFor(ENERGY), "kept at zero, so staff see why");
        assertFalse(waiting.sale().payingPurses().contains(ENERGY));
    }

    @Test
    void aSaleNoOfferedPurseMayPayIsRefusedBeforeItWaits() {
        var refused = assertThrows(PaymentDesk.NothingPayableException.class,
                () -> desk.request(new Euros(4_00), Basket.NONE, List.of("ENERGY", "VITA"), "till-1"));

        assertTrue(refused.getMessage().contains("ENERGY may pay only for energy-saving"), refused.getMessage());
        assertTrue(refused.getMessage().contains("VITA may be spent only at merchants of category sport, wellbeing"),
                refused.getMessage());
        assertTrue(desk.waiting().isEmpty());
    }

    @Test
    void theTillNamesAPurseThisTerminalDoesNotTake() {
        assertThrows(PaymentDesk.UnknownPurseException.class,
                () -> desk.request(new Euros(4_00), Basket.NONE, List.of("DOGE"), "till-1"));
    }

    // ---- partial payment ----------------------------------------------------------------------------------

    @Test
    void energyCreditsPayTheEligiblePartAndHeitjesTheRestUnderTheSameReference() {
        Payment first = request(new Euros(10_00), ENERGY_AND_SNACKS, "till-42");

        Payment energy = decide(first, code(ENERGY, 6_00));

        assertEquals(PaymentStatus.APPROVED, energy.status());
        assertEquals(ENERGY, energy.purse());
        assertEquals(new Euros(6_00), energy.amount());
        assertEquals(new Euros(10_00), energy.requested());
        assertEquals(Optional.of(new Euros(4_00)), energy.remaining());
        assertEquals(6_00, journal.unsettledFrom(ENERGY, PAYER_ADDRESS));

        PaymentDesk.Requested rest = desk.request(new Euros(4_00),
                new Basket(List.of(new Basket.Line("food", new Euros(4_00)))), List.of(), "till-42");
        assertTrue(rest.created(), "the remaining part of the sale opens a new payment under the same reference");
        assertEquals(Optional.of(Euros.ZERO), rest.payment().sale().eligibleFor(ENERGY));
        Payment heitjes = decide(rest.payment(), code(HEIT, 4_00));

        assertEquals(PaymentStatus.APPROVED, heitjes.status());
        assertEquals(Optional.of(Euros.ZERO), heitjes.remaining());
        assertEquals(4_00, journal.unsettledFrom(HEIT, PAYER_ADDRESS));
        assertFalse(desk.request(new Euros(4_00), Basket.NONE, List.of(), "till-42").created(),
                "a retry of the rest finds it");
    }

    @Test
    void aReferenceIsNotReusedForAnAmountThatIsNeitherTheSaleNorItsRemainder() {
        Payment first = request(new Euros(10_00), ENERGY_AND_SNACKS, "till-43");
        decide(first, code(ENERGY, 6_00));

        assertThrows(PaymentDesk.ReferenceConflictException.class,
                () -> desk.request(new Euros(3_00), Basket.NONE, List.of(), "till-43"));
        assertFalse(desk.request(new Euros(10_00), ENERGY_AND_SNACKS, List.of(), "till-43").created(),
                "the original request again is a retry: the approved part is returned, not charged twice");
    }

    @Test
    void aCodeForTheWholeSaleFromAPurseThatMayPayPartIsAnAmountMismatchThatSaysWhatItMayPay() {
        Payment declined = decide(request(new Euros(10_00), ENERGY_AND_SNACKS), code(ENERGY, 10_00));

        assertDeclined(DeclineCode.AMOUNT_MISMATCH, "ENERGY may pay 6.00 of this sale", declined);
        assertEquals(ENERGY, declined.purse());
        assertEquals(Optional.of(new Euros(10_00)), declined.remaining(), "nothing was paid");
    }

    @Test
    void aPurseOfSixDecimalsIsAskedTheSameEurosInItsOwnUnits() {
        Payment approved = decide(request(new Euros(4_50), Basket.NONE), code(MSTR, 4_500_000));

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertEquals(4_500_000, approved.charged().units());
        assertEquals(new Euros(4_50), approved.amount());
    }

    // ---- cards: asked purse by purse ---------------------------------------------------------------------

    @Test
    void aCardIsAskedForTheOfferedPursesInOrderAndPaysWithTheFirstItHolds() {
        request(new Euros(10_00), ENERGY_AND_SNACKS);
        FakeSigningCard card = new FakeSigningCard(PAYER, "1234", 50_00).holding(ENERGY);

        Payment paid = desk.presentCard(card).payment().orElseThrow();

        assertEquals(PaymentStatus.APPROVED, paid.status(), () -> String.valueOf(paid.declineReason()));
        assertEquals(ENERGY, paid.purse());
        assertEquals(Optional.of(new Euros(4_00)), paid.remaining());
        assertEquals(List.of("select", "sign", "sign"), card.steps, "HEIT refused by the card, then ENERGY signed");
    }

    @Test
    void aCardHoldingNoneOfTheOfferedPursesIsRefusedWithThePursesNamed() {
        request(new Euros(4_50), Basket.NONE);
        FakeSigningCard card = new FakeSigningCard(PAYER, "1234", 50_00).holding(VITA);

        Payment declined = desk.presentCard(card).payment().orElseThrow();

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, "the card holds none of the purses offered: HEIT, MSTR",
                declined);
        assertEquals(0, journal.unsettledCount());
    }

    // ---- spending rules, online and offline ---------------------------------------------------------------

    @ParameterizedTest(name = "online {0}")
    @MethodSource("onlineAndOffline")
    void aVitalityCodeAtABarIsRefusedWithTheRule(boolean online) {
        reachChain(online);
        Payment declined = decide(request(new Euros(4_50), Basket.NONE), code(VITA, 4_50));

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED,
                "VITA may be spent only at merchants of category sport, wellbeing; this merchant is of category horeca",
                declined);
        assertEquals(VITA, declined.purse());
    }

    @ParameterizedTest(name = "online {0}")
    @MethodSource("onlineAndOffline")
    void aMerchantListedByAddressMayTakeAPurseOutsideItsCategory(boolean online) {
        reachChain(online);
        var listed = new RulesStanding.InForce(new SpendingRules(Optional.of(Set.of(MERCHANT)),
                Optional.of(Set.of("sport")), Optional.empty()));
        Function<Token, RulesStanding> standings = t -> t.equals(VITA) ? listed : RULES.get(t);
        useRules(Fixtures.rules(List.of(HEIT_PURSE, VITA_PURSE), standings));

        Payment approved = decide(request(new Euros(4_50), Basket.NONE), code(VITA, 4_50));

        assertEquals(PaymentStatus.APPROVED, approved.status(), () -> String.valueOf(approved.declineReason()));
        assertEquals(online, !approved.offline());
    }

    @ParameterizedTest(name = "online {0}")
    @MethodSource("onlineAndOffline")
    void aPurseLimitedToProductsPaysOnlyForThem(boolean online) {
        reachChain(online);
        Payment none = decide(request(new Euros(4_00), new Basket(List.of(new Basket.Line("food", new Euros(4_00))))),
                code(ENERGY, 4_00));
        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED,
                "ENERGY may pay only for energy-saving, and nothing in this sale is", none);

        Payment some = decide(request(new Euros(10_00), ENERGY_AND_SNACKS), code(ENERGY, 5_00));
        assertDeclined(DeclineCode.AMOUNT_MISMATCH, "ENERGY may pay 6.00 of this sale", some);
    }

    @ParameterizedTest(name = "online {0}")
    @MethodSource("onlineAndOffline")
    void aPurseWhoseRulesAreUnknownIsTakenNowhere(boolean online) {
        reachChain(online);
        Payment declined = decide(request(new Euros(4_50), Basket.NONE), code(LOCKED, 4_50));

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, "LOCKED's spending rules are not known here: no verified"
                + " rules from 0x00000000000000000000000000000000000000aa", declined);
    }

    @ParameterizedTest(name = "online {0}")
    @MethodSource("onlineAndOffline")
    void aPurseTheTillDidNotOfferIsRefusedAsSuch(boolean online) {
        reachChain(online);
        Payment waiting = desk.request(new Euros(4_50), Basket.NONE, List.of("HEIT"), "till-" + UUID.randomUUID())
                .payment();

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, "the till did not offer MSTR for this sale",
                decide(waiting, code(MSTR, 4_500_000)));
    }

    @Test
    void aTokenThisTerminalDoesNotTakeSaysSo() {
        Token stranger = new Token("X", 31337, Address.parse("0x00000000000000000000000000000000000000ff"), "X", "1",
                2);

        Payment declined = decide(request(new Euros(4_50), Basket.NONE), code(stranger, 4_50));

        assertDeclined(DeclineCode.TOKEN_NOT_ACCEPTED, "this terminal takes no purse of token "
                + stranger.contract() + " on chain 31337", declined);
    }

    // ---- each purse's own limits, at their boundary -------------------------------------------------------

    @Test
    void offlineEachPurseHasItsOwnLimitPerPayment() {
        reachChain(false);

        Payment atLimit = decide(request(new Euros(5_00), energyOnly(5_00)), code(ENERGY, 5_00));
        Payment overLimit = decide(request(new Euros(5_01), energyOnly(5_01)), code(ENERGY, 5_01));
        Payment heitjes = decide(request(new Euros(20_00), Basket.NONE), code(HEIT, 20_00));
        Payment heitjesOver = decide(request(new Euros(20_01), Basket.NONE), code(HEIT, 20_01));

        assertEquals(PaymentStatus.APPROVED, atLimit.status());
        assertTrue(atLimit.offline());
        assertDeclined(DeclineCode.OFFLINE_LIMIT, null, overLimit);
        assertEquals(PaymentStatus.APPROVED, heitjes.status(), "the Heitje's limit is its own: 20.00");
        assertDeclined(DeclineCode.OFFLINE_LIMIT, null, heitjesOver);
    }

    @Test
    void offlineEachPurseCountsItsOwnPayerDayLimit() {
        reachChain(false);
        decide(request(new Euros(5_00), energyOnly(5_00)), code(ENERGY, 5_00));

        assertDeclined(DeclineCode.OFFLINE_LIMIT, null,
                decide(request(new Euros(3_01), energyOnly(3_01)), code(ENERGY, 3_01)));
        assertEquals(PaymentStatus.APPROVED,
                decide(request(new Euros(3_00), energyOnly(3_00)), code(ENERGY, 3_00)).status(),
                "8.00 a day: 5.00 + 3.00 is exactly the limit");
        assertEquals(PaymentStatus.APPROVED, decide(request(new Euros(20_00), Basket.NONE), code(HEIT, 20_00))
                .status(), "the Heitje's day is not the energy credits' day");
    }

    @Test
    void offlineEachPurseCountsItsOwnOpenApprovals() {
        reachChain(false);
        for (int i = 0; i < 10; i++) {
            assertEquals(PaymentStatus.APPROVED,
                    decide(request(new Euros(1), energyOnly(1)), code(ENERGY, 1)).status(), "approval " + (i + 1));
        }

        assertDeclined(DeclineCode.OFFLINE_LIMIT, null, decide(request(new Euros(1), energyOnly(1)), code(ENERGY, 1)));
        assertEquals(PaymentStatus.APPROVED, decide(request(new Euros(1), Basket.NONE), code(HEIT, 1)).status(),
                "ten open energy approvals are the energy credits' count, not the Heitje's");
    }

    @Test
    void offlineEachPurseHasItsOwnTotalExposure() {
        Purse tight = new Purse(ENERGY, new OfflineLimits(5_00, 100_00, 7_00, 50), 1_000_00);
        useRules(Fixtures.rules(List.of(HEIT_PURSE, tight), RULES::get));
        reachChain(false);
        decide(request(new Euros(5_00), energyOnly(5_00)), code(ENERGY, 5_00));

        assertDeclined(DeclineCode.OFFLINE_LIMIT, null,
                decide(request(new Euros(2_01), energyOnly(2_01)), code(ENERGY, 2_01)));
        assertEquals(PaymentStatus.APPROVED,
                decide(request(new Euros(2_00), energyOnly(2_00)), code(ENERGY, 2_00)).status(),
                "7.00 open is exactly the total");
    }

    @Test
    void onlineEachPurseHasItsOwnCapOnUnsettledApprovals() {
        assertEquals(PaymentStatus.APPROVED,
                decide(request(new Euros(6_00), energyOnly(6_00)), code(ENERGY, 6_00)).status());
        assertEquals(PaymentStatus.APPROVED,
                decide(request(new Euros(4_00), energyOnly(4_00)), code(ENERGY, 4_00)).status(),
                "10.00 open is exactly the cap");

        assertDeclined(DeclineCode.OFFLINE_LIMIT, null,
                decide(request(new Euros(1), energyOnly(1)), code(ENERGY, 1)));
        assertEquals(PaymentStatus.APPROVED, decide(request(new Euros(50_00), Basket.NONE), code(HEIT, 50_00))
                .status(), "the Heitje's cap is its own");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HEIT", "ENERGY"})
    void theJournalKeepsTheSaleItsPurseAndTheDeclineReason(String symbol) {
        Payment waiting = request(new Euros(10_00), ENERGY_AND_SNACKS, "till-99");
        Payment decided = symbol.equals("HEIT") ? decide(waiting, code(HEIT, 10_00)) : decide(waiting,
                code(ENERGY, 1_00));

        Payment read = journal.find(decided.id()).orElseThrow();

        assertEquals(decided, read);
        assertEquals(ENERGY_AND_SNACKS, read.sale().basket());
        assertEquals(List.of(HEIT, ENERGY, MSTR), List.copyOf(read.sale().eligible().keySet()));
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private static Basket energyOnly(long cents) {
        return new Basket(List.of(new Basket.Line("energy-saving", new Euros(cents))));
    }

    private void reachChain(boolean online) {
        chain.unavailable(!online);
    }

    private void useRules(PaymentAuthorizer.Rules other) {
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        authorizer = new PaymentAuthorizer(other,
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(), snapshot,
                clock);
        desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
    }

    private Payment request(Euros amount, Basket basket) {
        return request(amount, basket, "till-" + UUID.randomUUID());
    }

    private Payment request(Euros amount, Basket basket, String reference) {
        return desk.request(amount, basket, List.of(), reference).payment();
    }

    private TransferAuthorization code(Token purse, long units) {
        return Authorizations.builder(purse, PAYER).value(units).nonce(Authorizations.nonce("purse-" + ++nonces))
                .build();
    }

    /** Shown at the counter, through the desk, as a scanned code. */
    private Payment decide(Payment waiting, TransferAuthorization authorization) {
        Payment decided = desk.presentQr(PaymentQrCodec.encode(authorization)).payment().orElseThrow();
        assertEquals(waiting.id(), decided.id());
        return decided;
    }

    private void assertDeclined(DeclineCode code, String reason, Payment payment) {
        assertEquals(PaymentStatus.DECLINED, payment.status(), () -> "expected " + code);
        assertEquals(code, payment.declineCode());
        assertEquals(reason, payment.declineReason());
        assertEquals(payment, journal.find(payment.id()).orElseThrow(), "the journal keeps it as answered");
    }
}
