// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import static nl.heitje.terminal.support.Fixtures.HEIT;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.config.SlowHash;
import nl.heitje.terminal.adapter.javalin.JavalinTillApi;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SettlementQueue.Outcome;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.web3j.crypto.ECKeyPair;

/** A shop's terminal for the merchant page's tests: a real journal, the till API's server with the page on it. */
final class MerchantShop implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    static final Instant START = Instant.parse("2026-11-02T11:00:00Z");
    static final String EXPLORER = "https://explorer.example/tx/{hash}";
    private static final String PASSWORD_HASH = SlowHash.hash(PASSWORD.toCharArray(), new SecureRandom());
    private static final ECKeyPair PAYER = Authorizations.key("carla");
    private static final Address MUNICIPALITY = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

    final MutableClock clock = new MutableClock(START);
    final SqliteJournal journal;
    final JavalinTillApi api;
    private int payments;

    MerchantShop(Path dir) {
        this(dir, config -> { });
    }

    /** {@code alsoConfigure}: more for the server, e.g. a TLS connector. */
    MerchantShop(Path dir, java.util.function.Consumer<io.javalin.config.JavalinConfig> alsoConfigure) {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        FakeChainReader chain = new FakeChainReader();
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, new Connectivity(chain, clock), ApprovalGate.UNGUARDED), journal,
                new FakeDenyList(), new FakeHolderBalances(), clock);
        PaymentDesk desk = new PaymentDesk(journal, authorizer, clock, Duration.ofMinutes(2));
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        issuers.put(HEIT, Optional.of(MUNICIPALITY));
        var merchant = new PayoutStatement.Merchant(Optional.of("Café <b>De Korrel</b>"), Optional.of("12345678"),
                Fixtures.MERCHANT);
        var reporting = new JavalinTillApi.Reporting(journal, merchant, issuers, clock);
        var page = new MerchantPage(new MerchantPage.Settings(Optional.of(PASSWORD_HASH),
                Map.of(HEIT.chainId(), EXPLORER), Duration.ofMinutes(15), Duration.ofHours(12), ZONE), desk, journal,
                reporting);
        api = new JavalinTillApi(new JavalinTillApi.Settings("127.0.0.1", 0, "till-secret-0123456789",
                new Euros(250_00)), desk, () -> Map.of("status", "UP"), reporting, config -> {
                    page.addTo(config);
                    alsoConfigure.accept(config);
                }).start();
    }

    String base() {
        return "http://127.0.0.1:" + api.port();
    }

    Payment waiting(long cents, String reference, Instant at) {
        Payment waiting = Payment.waiting("p-" + (++payments), reference, new Money(cents, HEIT), at);
        journal.create(waiting);
        return waiting;
    }

    Payment approve(long cents, String reference, boolean offline, Instant at) {
        Payment waiting = waiting(cents, reference, at);
        Address payer = Signatures.addressOf(PAYER);
        Payment approved = waiting.approve(HEIT, payer, PaymentMethod.QR, offline, at);
        journal.approve(approved, new Redemption(waiting.id(), HEIT, Authorizations.builder(HEIT, PAYER).value(cents)
                .nonce(Authorizations.nonce(waiting.id())).build(), PaymentMethod.QR, offline, at, 0));
        return approved;
    }

    Payment decline(long cents, String reference, String reason, Instant at) {
        Payment declined = waiting(cents, reference, at).decline(DeclineCode.INSUFFICIENT_FUNDS, reason, HEIT,
                Signatures.addressOf(PAYER), PaymentMethod.QR, false, at);
        journal.close(declined);
        return declined;
    }

    void settle(Payment payment, String txHash, Instant at) {
        journal.resolvePending(sequenceOf(payment), new Outcome.Settled(txHash, 7), at);
    }

    void fail(Payment payment, String reason, Instant at) {
        journal.resolvePending(sequenceOf(payment), new Outcome.Failed(reason, true), at);
    }

    private long sequenceOf(Payment payment) {
        return journal.pending(100, START.plusSeconds(86_400 * 365L)).stream()
                .filter(q -> q.redemption().paymentId().equals(payment.id())).findFirst().orElseThrow().sequence();
    }

    /** A day of business: settled, pending, offline, declined and failed payments, one with a hostile reference. */
    void aDayOfBusiness() {
        Instant morning = START.minus(Duration.ofHours(2));
        settle(approve(450, "till-1001", false, morning), "0x" + "ab".repeat(32), morning.plusSeconds(60));
        approve(1275, "till-1002", true, morning.plusSeconds(600));
        decline(300, "<script>alert('ref')</script>", "<img src=x onerror=alert(1)>", morning.plusSeconds(900));
        fail(approve(800, "till-1004", true, morning.plusSeconds(1200)), "nonce <b>spent</b> elsewhere",
                morning.plusSeconds(1500));
    }

    @Override
    public void close() {
        api.close();
        journal.close();
    }
}
