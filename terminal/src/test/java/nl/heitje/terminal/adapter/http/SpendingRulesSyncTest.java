// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.http;

import static nl.heitje.terminal.support.SpendingRulesSigner.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import nl.heitje.terminal.adapter.file.SignedSpendingRulesStore;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SignedDocumentInbox.Acceptance;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import nl.heitje.terminal.support.SpendingRulesSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same fetcher as the deny-list's ({@link DenyListSyncTest} covers its timeouts), here carrying one purse's
 * rules from a real HTTP server on a free loopback port into the store.
 */
class SpendingRulesSyncTest {
    private static final Token ZORG = new Token("ZORG", Fixtures.HEIT.chainId(),
            Address.parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"), "Heerlense Zorgpas", "1", 2);
    private static final Instant ISSUED = Fixtures.NOW.minus(Duration.ofHours(1));
    private static final SpendingRules FOOD_ONLY = new SpendingRules(Optional.empty(), Optional.empty(),
            Optional.of(Set.of("groceries")));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private SignedSpendingRulesStore store;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/rules/HEIT", exchange -> {
            byte[] body = served.get() == null ? new byte[0] : served.get();
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status.get(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        store = SignedSpendingRulesStore.open(dir, List.of(
                new SignedSpendingRulesStore.Purse(Fixtures.HEIT, Optional.of(ISSUER)),
                new SignedSpendingRulesStore.Purse(ZORG, Optional.of(ISSUER))), clock);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private SignedDocumentSync sync(Token purse) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rules/HEIT");
        return SignedDocumentSync.spendingRules(purse, url, store.inbox(purse), Duration.ofSeconds(5), clock);
    }

    private static byte[] heit(long sequence, SpendingRules rules) {
        return SpendingRulesSigner.signed(Fixtures.HEIT, sequence, ISSUED, rules);
    }

    @Test
    void fetchesThePursesRulesAndPutsThemInForce() {
        served.set(heit(3, FOOD_ONLY));

        var result = sync(Fixtures.HEIT).syncOnce();

        assertEquals(new SignedDocumentSync.Result.Received(Fixtures.NOW, new Acceptance.Accepted(3)), result);
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
    }

    @Test
    void eachRoundFetchesAgainAndPicksUpNewerRules() {
        var sync = sync(Fixtures.HEIT);
        served.set(heit(3, FOOD_ONLY));
        sync.syncOnce();

        assertEquals(new Acceptance.AlreadyHeld(3),
                assertInstanceOf(SignedDocumentSync.Result.Received.class, sync.syncOnce()).acceptance());
        served.set(heit(4, SpendingRules.NONE));
        sync.syncOnce();

        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), store.standing(Fixtures.HEIT));
    }

    @Test
    void servedOlderRulesAreRefusedAndTheNewerOnesStay() {
        var sync = sync(Fixtures.HEIT);
        served.set(heit(4, FOOD_ONLY));
        sync.syncOnce();
        served.set(heit(3, SpendingRules.NONE));

        var result = assertInstanceOf(SignedDocumentSync.Result.Received.class, sync.syncOnce());

        assertInstanceOf(Acceptance.Refused.class, result.acceptance());
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
    }

    @Test
    void anotherPursesRulesServedAtThisPursesUrlAreRefused() {
        served.set(heit(3, SpendingRules.NONE));

        var result = assertInstanceOf(SignedDocumentSync.Result.Received.class, sync(ZORG).syncOnce());

        var refused = assertInstanceOf(Acceptance.Refused.class, result.acceptance());
        assertTrue(refused.reason().contains("issued for token"), refused.reason());
        assertInstanceOf(RulesStanding.Unknown.class, store.standing(ZORG));
    }

    @Test
    void aServerErrorKeepsTheHeldRules() {
        var sync = sync(Fixtures.HEIT);
        served.set(heit(3, FOOD_ONLY));
        sync.syncOnce();
        status.set(503);

        var failed = assertInstanceOf(SignedDocumentSync.Result.Failed.class, sync.syncOnce());

        assertEquals("HTTP 503", failed.reason());
        assertEquals(Optional.of(failed), sync.lastResult());
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
    }

    @Test
    void aDocumentLargerThanAnyRulesIsNotReadToTheEnd() {
        served.set(new byte[SpendingRulesDocument.MAX_BYTES + 1]);

        var failed = assertInstanceOf(SignedDocumentSync.Result.Failed.class, sync(Fixtures.HEIT).syncOnce());

        assertTrue(failed.reason().contains("larger than " + SpendingRulesDocument.MAX_BYTES), failed.reason());
        assertInstanceOf(RulesStanding.Unknown.class, store.standing(Fixtures.HEIT));
    }

    @Test
    void onlyHttpsOrPlainHttpToThisMachineIsAccepted() {
        var refused = assertThrows(IllegalArgumentException.class, () -> SignedDocumentSync.spendingRules(
                Fixtures.HEIT, URI.create("http://rules.voedselbank.nl/heit"), store.inbox(Fixtures.HEIT),
                Duration.ofSeconds(1), clock));

        assertTrue(refused.getMessage().contains("HEIT spending rules URL must be https"), refused.getMessage());
        SignedDocumentSync.spendingRules(Fixtures.HEIT, URI.create("https://rules.voedselbank.nl/heit"),
                store.inbox(Fixtures.HEIT), Duration.ofSeconds(1), clock);
    }
}
