// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.port.ScanResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service on a real anvil, with the network between them misbehaving: a node that accepts connections and
 * never answers must not hold a customer for longer than the payment budget, and an online approval must settle
 * promptly even when the settlement interval is long.
 */
class PaymentPathUnderFaultsIT {
    @TempDir
    static Path dataDir;
    private static Simulator simulator;
    private static int references;

    @BeforeAll
    static void start() {
        // A ten-minute settlement interval: only the prompt settlement of online approvals can settle within the test.
        simulator = Simulator.start(new Simulator.Options(EthersSigner.chainDir(), dataDir, 0, 0, 600_000, Map.of(
                "chain.paymentLookupBudgetMillis", "1500",
                "settlement.onlinePromptSeconds", "1")));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void aNodeThatNeverAnswersLeavesThePaymentToTheOfflineRulesAndTheCounterFree() throws Exception {
        DevWallet citizen = funded(10_00);
        Payment waiting = request(3_00);
        simulator.network().link().setBlackhole(true);
        try {
            CompletableFuture<ScanResult> scan = CompletableFuture.supplyAsync(() -> simulator.scanner().scan(
                    PaymentQrCodec.encode(authorize(citizen, 3_00))));
            // While the node is silent, the till still gets its answers.
            assertEquals(waiting.id(), simulator.terminal().desk().find(waiting.id()).orElseThrow().id());

            Payment decided = scan.get(120, TimeUnit.SECONDS).payment().orElseThrow();

            assertEquals(PaymentStatus.APPROVED, decided.status());
            assertTrue(decided.offline(), "decided on the offline rules once the budget ran out");
        } finally {
            simulator.network().link().setBlackhole(false);
        }
    }

    @Test
    void anOnlineApprovalSettlesPromptlyThoughTheIntervalIsTenMinutes() throws Exception {
        awaitOnline();
        DevWallet citizen = funded(10_00);
        request(4_50);

        Payment decided = simulator.scanner().scan(PaymentQrCodec.encode(authorize(citizen, 4_50))).payment()
                .orElseThrow();
        assertEquals(PaymentStatus.APPROVED, decided.status());
        assertFalse(decided.offline());

        assertEquals(SettlementStatus.SETTLED, awaitSettlement(decided.id()));
        assertEquals(BigInteger.valueOf(10_00 - 4_50), simulator.chain().balanceOf(citizen.address().hex()));
    }

    @Test
    void anOfflineApprovalSettlesAsSoonAsTheNetworkReturnsThoughTheIntervalIsTenMinutes() throws Exception {
        awaitOnline();
        DevWallet citizen = funded(10_00);
        simulator.network().setOnline(false);
        simulator.terminal().connectivity().markOffline();
        request(2_00);
        Payment decided;
        try {
            decided = simulator.scanner().scan(PaymentQrCodec.encode(authorize(citizen, 2_00))).payment().orElseThrow();
        } finally {
            simulator.network().setOnline(true);
        }
        assertEquals(PaymentStatus.APPROVED, decided.status());
        assertTrue(decided.offline());

        assertEquals(SettlementStatus.SETTLED, awaitSettlement(decided.id()));
        assertEquals(BigInteger.valueOf(10_00 - 2_00), simulator.chain().balanceOf(citizen.address().hex()));
    }

    @Test
    void theControlApiRefusesAWebPageInTheDevelopersBrowser() throws Exception {
        String control = simulator.readyLine().replaceFirst(".*control=(\\S+).*", "$1");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var fromAPage = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(control + "/sim/network"))
                .header("Origin", "http://evil.example").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"online\": false}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var simpleForm = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(control + "/sim/network"))
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"online\": false}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String rebound;
        int port = java.net.URI.create(control).getPort();
        try (var socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(("GET /sim/chain HTTP/1.1\r\nHost: evil.example:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            rebound = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }

        assertEquals(403, fromAPage.statusCode(), fromAPage.body());
        assertEquals(415, simpleForm.statusCode(), simpleForm.body());
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(simulator.network().isOnline(), "nothing was cut");
    }

    private static SettlementStatus awaitSettlement(String paymentId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        SettlementStatus status = SettlementStatus.PENDING;
        while (Instant.now().isBefore(deadline) && status != SettlementStatus.SETTLED) {
            Thread.sleep(100);
            status = simulator.terminal().desk().find(paymentId).orElseThrow().settlement().status();
        }
        return status;
    }

    private static void awaitOnline() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!simulator.terminal().connectivity().probe() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    private static DevWallet funded(long units) {
        DevWallet citizen = DevWallet.create();
        simulator.chain().mint(citizen.address().hex(), BigInteger.valueOf(units));
        simulator.terminal().syncHolderSnapshot();
        return citizen;
    }

    private static Payment request(long units) {
        return simulator.terminal().desk().request(new Money(units, simulator.terminal().token()),
                "faults-" + (++references)).payment();
    }

    private static nl.heitje.terminal.domain.TransferAuthorization authorize(DevWallet citizen, long units) {
        return citizen.authorize(simulator.terminal().token(), Address.parse(LocalChain.MERCHANT.getAddress()), units,
                Instant.now().plus(Duration.ofDays(2)).getEpochSecond());
    }
}
