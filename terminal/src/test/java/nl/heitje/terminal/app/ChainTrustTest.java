// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import nl.heitje.terminal.domain.ApprovalRules;
import nl.heitje.terminal.domain.ClockCheck;
import nl.heitje.terminal.port.Acknowledgements;
import nl.heitje.terminal.port.ContactLog;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeNode;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainTrustTest {
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final AtomicLong nanos = new AtomicLong(42_000_000_000L);
    private final FakeNode node = new FakeNode(clock, HEIT.chainId());
    private final FakeChainReader reader = new FakeChainReader();
    private final Connectivity connectivity = new Connectivity(reader, clock);
    private final Contacts contacts = new Contacts();
    private final AtomicReference<Optional<Long>> brokenLink = new AtomicReference<>(Optional.empty());
    private final AtomicReference<OptionalLong> acknowledged = new AtomicReference<>(OptionalLong.empty());
    private ChainTrust trust;

    /** The contact log in memory, counting writes. */
    private static final class Contacts implements ContactLog {
        final List<Contact> written = new ArrayList<>();

        @Override
        public Optional<Contact> last() {
            return written.isEmpty() ? Optional.empty() : Optional.of(written.get(written.size() - 1));
        }

        @Override
        public void record(Contact contact) {
            written.add(contact);
        }
    }

    @BeforeEach
    void startTerminal() {
        trust = newTrust();
    }

    private ChainTrust newTrust() {
        Acknowledgements acknowledgements = new Acknowledgements() {
            @Override
            public OptionalLong journalBreak() {
                return acknowledged.get();
            }

            @Override
            public String howToAcknowledgeJournalBreak(long link) {
                return "write " + link + " into journal-break.ack";
            }
        };
        return new ChainTrust(node, List.of(HEIT), connectivity, contacts, brokenLink::get, acknowledgements,
                new ClockCheck(Duration.ofSeconds(120), Duration.ofSeconds(60)), new ApprovalRules(Duration.ofDays(1)),
                clock, nanos::get);
    }

    /** Real time passing: the wall clock and the monotonic clock move together. */
    private void pass(Duration time) {
        clock.advance(time);
        nanos.addAndGet(time.toNanos());
    }

    /** What the terminal's timer does: probe the chain, then refresh the trust checks. */
    private void tick() {
        connectivity.probe();
        trust.refresh();
    }

    private void startOnline() {
        trust.verifyJournal();
        tick();
        assertEquals(Optional.empty(), trust.refusesOnline());
        assertEquals(Optional.empty(), trust.refusesOffline());
    }

    private static void assertRefused(Optional<String> refusal, String because) {
        assertTrue(refusal.isPresent() && refusal.get().contains(because), "expected a refusal with \"" + because
                + "\", got " + refusal);
    }

    @Test
    void approvesNothingBeforeTheJournalIsVerifiedAndTheChainHasConfirmedTheClock() {
        contacts.record(new ContactLog.Contact(Fixtures.NOW.minusSeconds(60), 99));
        trust = newTrust();

        assertRefused(trust.refusesOffline(), "has not been verified");
        trust.verifyJournal();
        assertRefused(trust.refusesOnline(), "not been confirmed by the chain since the terminal started");
        assertRefused(trust.refusesOffline(), "not been confirmed by the chain since the terminal started");

        tick();
        assertEquals(Optional.empty(), trust.refusesOnline());
        assertEquals(Optional.empty(), trust.refusesOffline());
        assertTrue(trust.report().clockConfirmed());
    }

    @Test
    void aNodeOfAnotherChainGetsNoOnlineApprovalAndIsAskedAgainUntilItTellsTheTruth() {
        node.chainId(1);
        trust.verifyJournal();
        tick();

        assertRefused(trust.refusesOnline(), "serves chain id 1, not the configured 31337");
        assertRefused(trust.refusesOffline(), "not been confirmed", "a node we do not trust cannot vouch for our clock");
        assertEquals(Optional.of(1L), trust.report().nodeChainId());
        pass(Duration.ofSeconds(5));
        tick();
        assertEquals(2, node.identityChecks(), "a mismatch is checked again on every refresh");

        node.chainId(HEIT.chainId());
        pass(Duration.ofSeconds(5));
        tick();
        assertEquals(Optional.empty(), trust.refusesOnline());
        assertTrue(trust.report().nodeVerified());
    }

    private static void assertRefused(Optional<String> refusal, String because, String why) {
        assertTrue(refusal.isPresent() && refusal.get().contains(because), why + ": " + refusal);
    }

    @Test
    void aTokenAnsweringAnotherDomainSeparatorGetsNoOnlineApproval() {
        node.domainSeparator(HEIT, new byte[32]);
        trust.verifyJournal();
        tick();

        assertRefused(trust.refusesOnline(), "EIP-712 domain separator 0x0000");
        assertFalse(trust.report().nodeVerified());
    }

    @Test
    void theNodeIsCheckedOnceAConnectionAndAgainAfterEveryReconnect() {
        startOnline();
        for (int i = 0; i < 3; i++) {
            pass(Duration.ofSeconds(5));
            tick();
        }
        assertEquals(1, node.identityChecks());

        reader.unavailable(true);
        pass(Duration.ofSeconds(5));
        tick();
        reader.unavailable(false);
        pass(Duration.ofSeconds(5));
        connectivity.probe();
        assertRefused(trust.refusesOnline(), "not been checked since it was reached again");

        node.chainId(1);
        trust.refresh();
        assertEquals(2, node.identityChecks());
        assertRefused(trust.refusesOnline(), "serves chain id 1");
        assertEquals(Optional.empty(), trust.refusesOffline(), "our clock was confirmed before: offline rules decide");
    }

    @Test
    void ourClockBehindTheChainStopsEveryApprovalUntilItIsSetRight() {
        startOnline();
        node.head(500, Fixtures.NOW.plus(Duration.ofHours(1)));
        pass(Duration.ofSeconds(5));
        tick();

        assertRefused(trust.refusesOnline(), "s behind the timestamp of block 500");
        assertRefused(trust.refusesOffline(), "s behind the timestamp of block 500");
        assertFalse(trust.report().clockConfirmed());

        clock.advance(Duration.ofHours(1)); // set right, by hand or by NTP: the monotonic clock did not move
        node.live();
        tick();
        assertEquals(Optional.empty(), trust.refusesOnline());
        assertEquals(Optional.empty(), trust.refusesOffline());
    }

    @Test
    void aStaleHeadAfterAConfirmationStopsOnlyOnlineApprovals() {
        startOnline();
        node.head(300, clock.instant());
        pass(Duration.ofMinutes(10));
        tick();

        assertRefused(trust.refusesOnline(), "our clock runs fast or the node is stuck on an old block");
        assertEquals(Optional.empty(), trust.refusesOffline(), "the confirmed clock kept pace: the node is stale");
    }

    @Test
    void aStaleHeadCannotConfirmAClockThatWasNeverConfirmed() {
        node.head(300, Fixtures.NOW.minus(Duration.ofHours(1)));
        trust.verifyJournal();
        tick();

        assertRefused(trust.refusesOnline(), "our clock cannot be confirmed");
        assertRefused(trust.refusesOffline(), "our clock cannot be confirmed");
    }

    @Test
    void aWallClockSetWhileOfflineLosesItsConfirmation() {
        startOnline();
        reader.unavailable(true);
        pass(Duration.ofMinutes(1));
        tick();
        assertEquals(Optional.empty(), trust.refusesOffline());

        clock.advance(Duration.ofDays(-1)); // yesterday again: expired authorizations would look valid
        assertRefused(trust.refusesOffline(), "our clock moved -86400 s against the time that passed");
    }

    @Test
    void aJournalBreakStopsEveryApprovalUntilAManagerAcknowledgesThatVeryBreak() {
        startOnline();
        brokenLink.set(Optional.of(7L));
        trust.verifyJournal();

        assertRefused(trust.refusesOnline(), "broken at redemption 7");
        assertRefused(trust.refusesOffline(), "write 7 into journal-break.ack");
        assertEquals(Optional.of(7L), trust.report().firstBrokenLink());

        acknowledged.set(OptionalLong.of(7));
        tick();
        assertEquals(Optional.empty(), trust.refusesOnline());
        assertEquals(Optional.empty(), trust.refusesOffline());
        assertTrue(trust.report().breakAcknowledged());

        brokenLink.set(Optional.of(5L));
        trust.verifyJournal();
        assertRefused(trust.refusesOffline(), "broken at redemption 5");
    }

    @Test
    void aJournalThatCannotBeReadIsNoJournalToApproveOn() {
        trust = new ChainTrust(node, List.of(HEIT), connectivity, contacts, () -> {
            throw new IllegalStateException("disk I/O error");
        }, null, new ClockCheck(Duration.ofSeconds(120), Duration.ofSeconds(60)),
                new ApprovalRules(Duration.ofDays(1)), clock, nanos::get);
        trust.verifyJournal();
        tick();

        assertRefused(trust.refusesOnline(), "cannot be verified: disk I/O error");
    }

    @Test
    void offlineApprovalsEndADayAfterTheLastTrustedContact() {
        startOnline();
        reader.unavailable(true);
        pass(Duration.ofDays(1));
        tick();
        assertEquals(Optional.empty(), trust.refusesOffline());

        pass(Duration.ofSeconds(30));
        assertRefused(trust.refusesOffline(), "longer than offline.maxSinceContactSeconds (86400 s)");
    }

    @Test
    void theLastContactIsWrittenAtMostOnceAMinuteAndOnShutdownAndReadAtStart() {
        startOnline();
        assertEquals(1, contacts.written.size());
        pass(Duration.ofSeconds(30));
        tick();
        assertEquals(1, contacts.written.size(), "not every probe wears the SD card");
        pass(Duration.ofSeconds(30));
        tick();
        assertEquals(2, contacts.written.size());
        pass(Duration.ofSeconds(5));
        tick();
        trust.flush();

        assertEquals(3, contacts.written.size());
        assertEquals(clock.instant(), contacts.written.get(2).at());
        ChainTrust restarted = newTrust();
        assertEquals(contacts.last(), restarted.report().lastTrustedContact());
    }

    @Test
    void aContactWithAnUntrustedNodeIsNotRecorded() {
        node.chainId(1);
        trust.verifyJournal();
        tick();
        trust.flush();

        assertEquals(List.of(), contacts.written);
    }
}
