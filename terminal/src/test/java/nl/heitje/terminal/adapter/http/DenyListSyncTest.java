// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.http;

import static nl.heitje.terminal.support.DenyLists.ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import nl.heitje.terminal.adapter.file.SignedDenyListStore;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.port.SignedDocumentInbox.Acceptance;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HTTP server on a free loopback port; each round is driven by calling {@code syncOnce()}. */
class DenyListSyncTest {
    private static final Address LOST_CARD = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address FRAUD = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final Instant ISSUED = Fixtures.NOW.minus(Duration.ofHours(1));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private HttpServer server;
    private SignedDenyListStore store;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/deny-list", exchange -> {
            requests.incrementAndGet();
            try {
                if (hang) {
                    release.await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = served.get() == null ? new byte[0] : served.get();
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status.get(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        store = SignedDenyListStore.open(dir.resolve("deny-list.signed"), Optional.of(ISSUER), Fixtures.HEIT.chainId(),
                Duration.ofHours(48), clock);
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private DenyListSync sync(Duration timeout) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/deny-list");
        return new DenyListSync(url, store, timeout, clock);
    }

    private DenyListSync sync() {
        return sync(Duration.ofSeconds(5));
    }

    @Test
    void fetchesAListAndHandsItToTheStore() {
        served.set(DenyLists.signed(3, ISSUED, LOST_CARD));

        var result = sync().syncOnce();

        assertEquals(new DenyListSync.Result.Received(Fixtures.NOW, new Acceptance.Accepted(3)), result);
        assertTrue(store.denies(LOST_CARD));
        assertTrue(store.standing().allowsOfflineApprovals());
    }

    @Test
    void eachRoundFetchesAgainAndPicksUpANewerList() {
        var sync = sync();
        served.set(DenyLists.signed(3, ISSUED, LOST_CARD));
        sync.syncOnce();

        assertEquals(new Acceptance.AlreadyHeld(3), ((DenyListSync.Result.Received) sync.syncOnce()).acceptance());
        served.set(DenyLists.signed(4, ISSUED.plusSeconds(60), LOST_CARD, FRAUD));
        sync.syncOnce();

        assertTrue(store.denies(FRAUD));
        assertEquals(3, requests.get());
    }

    @Test
    void aServerErrorKeepsTheHeldList() {
        var sync = sync();
        served.set(DenyLists.signed(3, ISSUED, LOST_CARD));
        sync.syncOnce();
        status.set(503);

        var failed = assertInstanceOf(DenyListSync.Result.Failed.class, sync.syncOnce());

        assertEquals("HTTP 503", failed.reason());
        assertEquals(Optional.of(failed), sync.lastResult());
        assertTrue(store.denies(LOST_CARD));
        assertTrue(store.standing().allowsOfflineApprovals());
    }

    @Test
    void anUnreachableServerKeepsTheHeldList() {
        var sync = sync();
        served.set(DenyLists.signed(3, ISSUED, LOST_CARD));
        sync.syncOnce();
        server.stop(0);

        assertInstanceOf(DenyListSync.Result.Failed.class, sync.syncOnce());

        assertEquals(3, ((DenyListStanding.Fresh) store.standing()).sequence());
    }

    @Test
    void aServedRollbackIsRefusedAndTheNewerListStays() {
        var sync = sync();
        served.set(DenyLists.signed(4, ISSUED, LOST_CARD, FRAUD));
        sync.syncOnce();
        served.set(DenyLists.signed(3, ISSUED.plusSeconds(60), LOST_CARD));

        var result = assertInstanceOf(DenyListSync.Result.Received.class, sync.syncOnce());

        assertInstanceOf(Acceptance.Refused.class, result.acceptance());
        assertTrue(store.denies(FRAUD));
    }

    @Test
    void aServedListSignedByAnotherKeyIsRefused() {
        served.set(DenyLists.signed(nl.heitje.terminal.support.Authorizations.key("impostor"), Fixtures.HEIT.chainId(),
                3, ISSUED));

        var result = assertInstanceOf(DenyListSync.Result.Received.class, sync().syncOnce());

        assertInstanceOf(Acceptance.Refused.class, result.acceptance());
        assertEquals(new DenyListStanding.Missing(), store.standing());
    }

    @Test
    void aDocumentLargerThanAnyListIsNotReadToTheEnd() {
        served.set(new byte[DenyListDocument.MAX_BYTES + 1]);

        var failed = assertInstanceOf(DenyListSync.Result.Failed.class, sync().syncOnce());

        assertTrue(failed.reason().contains("larger than"), failed.reason());
        assertEquals(new DenyListStanding.Missing(), store.standing());
    }

    @Test
    void aServerThatDoesNotAnswerIsGivenUpAfterTheTimeout() {
        hang = true;
        served.set(DenyLists.signed(3, ISSUED, LOST_CARD));

        var failed = assertInstanceOf(DenyListSync.Result.Failed.class, sync(Duration.ofMillis(300)).syncOnce());

        assertFalse(store.denies(LOST_CARD));
        assertTrue(failed.reason().contains("Timeout") || failed.reason().contains("within"), failed.reason());
    }

    @Test
    void onlyHttpsOrPlainHttpToThisMachineIsAccepted() {
        for (String refused : new String[] {"http://lists.heerlen.nl/deny-list", "http://10.0.0.1/deny-list",
                "ftp://127.0.0.1/deny-list", "http://127.example.org/deny-list"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new DenyListSync(URI.create(refused), store, Duration.ofSeconds(1), clock), refused);
        }
        for (String accepted : new String[] {"https://lists.heerlen.nl/deny-list", "http://127.0.0.1:8080/deny-list",
                "http://localhost/deny-list", "http://[::1]:9000/deny-list"}) {
            new DenyListSync(URI.create(accepted), store, Duration.ofSeconds(1), clock);
        }
    }

    @Test
    void beforeTheFirstRoundThereIsNoResult() {
        assertEquals(Optional.empty(), sync().lastResult());
    }
}
