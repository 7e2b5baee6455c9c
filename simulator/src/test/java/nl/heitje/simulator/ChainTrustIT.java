// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import nl.heitje.config.TerminalConfig;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.simulator.fault.FaultyLink;
import nl.heitje.simulator.fault.JsonRpcProxy;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust gate on a real anvil, through a JSON-RPC proxy that lies and a link that can be cut: a node of another
 * chain, a chain whose clock is far from ours, and a restart that must remember when the chain was last seen.
 * Each test has a chain of its own: a chain's clock, once pushed forward, cannot be pulled back.
 */
class ChainTrustIT {
    /** For conditions awaited, never a measured duration: a loaded two-core machine can be slow. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final AtomicInteger REFERENCES = new AtomicInteger();

    @TempDir
    Path dataDir;
    private LocalChain chain;
    private JsonRpcProxy proxy;
    private FaultyLink link;

    @BeforeEach
    void startChain() throws Exception {
        chain = LocalChain.start(EthersSigner.chainDir());
        proxy = new JsonRpcProxy(chain.rpcUrl());
        link = new FaultyLink(proxy.port());
        // A fresh municipal list, so the offline rules can approve: the gate's fallback is visible, not a decline.
        Files.write(dataDir.resolve(TerminalConfig.DENY_LIST_FILE),
                DenyListIssuer.municipality().issue(1, Instant.now(), List.of()));
    }

    @AfterEach
    void stopChain() {
        link.close();
        proxy.close();
        chain.close();
    }

    @Test
    void aNodeNamingAnotherChainGetsNoOnlineApprovalUntilItTellsTheTruthAndIsAskedAgainAfterAReconnect() {
        proxy.lieAboutChainId(1);
        try (Terminal terminal = start(Clock.systemUTC())) {
            Map<String, Object> health = terminal.health();
            assertTrue(warning(health, w -> w.contains("chain id 1")), "health says why: " + health);
            assertEquals(false, approvals(health).get("online"), health.toString());
            Payment decided = pay(terminal, 150);
            assertTrue(decided.offline(), "decided on the offline rules, not on the word of another chain's node");
            // ...and declined there: a node we do not trust cannot vouch for our clock either.
            assertEquals(DeclineCode.OFFLINE_LIMIT, decided.declineCode(), decided.toString());
            // Nor does its word go into the holder snapshot, which the offline rules trust.
            assertFalse(terminal.syncHolderSnapshot(), "no snapshot from a node of another chain");

            proxy.tellTruthAboutChainId();
            awaitHealth(terminal, h -> Boolean.TRUE.equals(approvals(h).get("online")), "the node is checked again");
            Payment online = pay(terminal, 150);
            assertEquals(PaymentStatus.APPROVED, online.status(), online.toString());
            assertFalse(online.offline(), "the node told the truth: online again");
            DevWallet knownBeforeTheLie = funded(terminal);

            link.setCut(true);
            awaitHealth(terminal, h -> Boolean.FALSE.equals(h.get("online")), "the cut is seen");
            proxy.lieAboutChainId(1);
            link.setCut(false);
            awaitHealth(terminal, h -> Boolean.TRUE.equals(h.get("online")) && warning(h, w -> w.contains("chain id 1")),
                    "after the reconnect the node is asked again");
            Payment offline = pay(terminal, knownBeforeTheLie, 150);
            assertEquals(PaymentStatus.APPROVED, offline.status(), offline.toString());
            assertTrue(offline.offline(), "our clock was confirmed before: the shop trades on within the offline limits");
        }
    }

    @Test
    void aChainClockFarAheadOfOursStopsApprovalsUntilOurClockAgrees() {
        ShiftableClock clock = new ShiftableClock();
        try (Terminal terminal = start(clock)) {
            Payment before = pay(terminal, 100);
            assertFalse(before.offline(), before.toString());
            assertEquals(PaymentStatus.APPROVED, before.status(), before.toString());

            chain.rpc("evm_increaseTime", 3600);
            chain.rpc("evm_mine");
            awaitHealth(terminal, h -> warning(h, w -> w.contains("clock")), "the skew is reported");
            Map<String, Object> health = terminal.health();
            assertEquals(false, approvals(health).get("online"), health.toString());
            assertEquals(false, approvals(health).get("offline"), health.toString());
            Payment refused = pay(terminal, 100);
            assertEquals(PaymentStatus.DECLINED, refused.status(), refused.toString());
            assertEquals(DeclineCode.OFFLINE_LIMIT, refused.declineCode());

            clock.shift(Duration.ofHours(1));
            awaitHealth(terminal, h -> Boolean.TRUE.equals(approvals(h).get("online")), "our clock agrees again");
            Payment after = pay(terminal, 100);
            assertEquals(PaymentStatus.APPROVED, after.status(), after.toString());
            assertFalse(after.offline());
        }
    }

    @Test
    void aRestartKeepsTheLastChainContactButTrustsNoClockItCouldNotConfirm() {
        Instant contact;
        try (Terminal terminal = start(Clock.systemUTC())) {
            contact = Instant.parse((String) terminal.health().get("lastChainContact"));
            assertEquals(PaymentStatus.APPROVED, pay(terminal, 100).status());
        }
        Instant stopped = Instant.now();
        link.setCut(true);
        try (Terminal terminal = start(Clock.systemUTC())) {
            Map<String, Object> health = terminal.health();
            assertEquals(false, health.get("online"), health.toString());
            Object restored = health.get("lastChainContact");
            assertNotNull(restored, "the last contact survives the restart: " + health);
            Instant restoredContact = Instant.parse((String) restored);
            assertFalse(restoredContact.isBefore(contact), restored + " is older than " + contact);
            assertFalse(restoredContact.isAfter(stopped), restored + " is after the stop at " + stopped);
            assertTrue(warning(health, w -> w.contains("clock")), "no confirmation since start: " + health);

            Payment refused = pay(terminal, 100);
            assertEquals(DeclineCode.OFFLINE_LIMIT, refused.declineCode(), refused.toString());
        }
    }

    @Test
    void aBrokenJournalStopsApprovalsUntilAManagerAcknowledgesThatBreak() throws Exception {
        try (Terminal terminal = start(Clock.systemUTC())) {
            assertEquals(PaymentStatus.APPROVED, pay(terminal, 100).status());
            assertEquals(PaymentStatus.APPROVED, pay(terminal, 200).status());
        }
        long edited;
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("journal.db"));
             Statement statement = raw.createStatement()) {
            try (ResultSet first = statement.executeQuery("SELECT MIN(seq) FROM redemption")) {
                edited = first.getLong(1);
            }
            statement.execute("DROP TRIGGER redemption_is_append_only_update");
            statement.executeUpdate("UPDATE redemption SET value = 1 WHERE seq = " + edited);
        }

        try (Terminal terminal = start(Clock.systemUTC())) {
            Map<String, Object> health = terminal.health();
            Map<?, ?> journal = (Map<?, ?>) health.get("journal");
            assertEquals(false, journal.get("intact"), health.toString());
            assertEquals(edited, ((Number) journal.get("firstBrokenLink")).longValue(), health.toString());
            assertEquals(Map.of("online", false, "offline", false), approvals(health));
            assertTrue(warning(health, w -> w.contains("broken at redemption " + edited)), health.toString());
            assertEquals(DeclineCode.OFFLINE_LIMIT, pay(terminal, 100).declineCode());

            Files.writeString(dataDir.resolve(TerminalConfig.JOURNAL_BREAK_ACK_FILE), edited + "\n");
            awaitHealth(terminal, h -> Boolean.TRUE.equals(approvals(h).get("online")), "the acknowledgement is read");
            Payment after = pay(terminal, 100);
            assertEquals(PaymentStatus.APPROVED, after.status(), after.toString());
            assertEquals(true, ((Map<?, ?>) terminal.health().get("journal")).get("acknowledged"));
        }
    }

    private Terminal start(Clock clock) {
        Path config = dataDir.resolve("terminal.properties");
        new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token(LocalChain.TOKEN_SYMBOL, LocalChain.CHAIN_ID, chain.token(), LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS)
                .chain(link.httpUrl(), chain.batcher())
                .set("chain.probeIntervalMillis", "200")
                // A busy machine must not make a slow answer look like a chain gone offline; a cut fails at once.
                .set("chain.requestTimeoutMillis", "30000")
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey())
                .set("settlement.confirmations", "0")
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dataDir.resolve("journal.db"))
                .set("snapshot.confirmations", "0")
                .denyListIssuer(DenyListIssuer.municipality().address().hex())
                .write(config, "ChainTrustIT");
        return Terminal.start(TerminalConfig.load(config), List.of(), clock);
    }

    private Payment pay(Terminal terminal, long units) {
        return pay(terminal, funded(terminal), units);
    }

    /** A citizen with money, known to the holder snapshot if the terminal trusts its node now. */
    private DevWallet funded(Terminal terminal) {
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(10_000));
        terminal.syncHolderSnapshot(); // the offline rules read the payer's funds from it
        return payer;
    }

    private Payment pay(Terminal terminal, DevWallet payer, long units) {
        Token token = terminal.token();
        terminal.desk().request(new Money(units, token), "trust-" + REFERENCES.incrementAndGet());
        var authorization = payer.authorize(token, Address.parse(LocalChain.MERCHANT.getAddress()), units,
                Instant.now().plus(Duration.ofDays(2)).getEpochSecond());
        return terminal.desk().presentQr(PaymentQrCodec.encode(authorization)).payment().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> approvals(Map<String, Object> health) {
        Object approvals = health.get("approvals");
        return approvals instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static boolean warning(Map<String, Object> health, Predicate<String> matching) {
        return health.get("warnings") instanceof List<?> warnings
                && warnings.stream().map(String::valueOf).anyMatch(matching);
    }

    private static void awaitHealth(Terminal terminal, Predicate<Map<String, Object>> condition, String what) {
        Instant deadline = Instant.now().plus(DEADLINE);
        Map<String, Object> health = terminal.health();
        while (!condition.test(health)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": not within " + DEADLINE.toSeconds() + " s; health " + health);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            health = terminal.health();
        }
    }

    /** The real time plus a shift the test sets: the terminal's clock put right, the way NTP would. */
    private static final class ShiftableClock extends Clock {
        private volatile Duration shift = Duration.ZERO;

        void shift(Duration by) {
            shift = shift.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
