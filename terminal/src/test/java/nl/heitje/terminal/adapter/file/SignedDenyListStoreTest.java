// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import static nl.heitje.terminal.support.DenyLists.ISSUER;
import static nl.heitje.terminal.support.DenyLists.MUNICIPALITY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.port.SignedDocumentInbox.Acceptance;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedDenyListStoreTest {
    private static final Address LOST_CARD = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Address FRAUD = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    private static final Duration MAX_AGE = Duration.ofHours(48);
    private static final Instant ISSUED = Fixtures.NOW.minus(Duration.ofHours(1));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);

    private Path file() {
        return dir.resolve("deny-list.signed");
    }

    private SignedDenyListStore open() {
        return SignedDenyListStore.open(file(), Optional.of(ISSUER), Fixtures.HEIT.chainId(), MAX_AGE, clock);
    }

    @Test
    void withNoListYetNobodyIsDeniedAndOfflineApprovalsAreRefused() {
        var verdict = open().check(LOST_CARD);

        assertFalse(verdict.denied());
        assertEquals(new DenyListStanding.Missing(), verdict.standing());
        assertFalse(verdict.standing().allowsOfflineApprovals());
    }

    @Test
    void keepsAVerifiedListThatDeniesWhoItNamesAndIsFresh() {
        var store = open();

        assertEquals(new Acceptance.Accepted(3), store.offer(DenyLists.signed(3, ISSUED, LOST_CARD)));

        assertTrue(store.denies(LOST_CARD));
        assertFalse(store.denies(FRAUD));
        assertEquals(new DenyListStanding.Fresh(3, ISSUED, Duration.ofHours(1)), store.standing());
        assertArrayEquals(DenyLists.signed(3, ISSUED, LOST_CARD), readFile());
    }

    @Test
    void aTamperedListIsRefusedAndTheHeldListStays() {
        var store = open();
        store.offer(DenyLists.signed(3, ISSUED, LOST_CARD));
        byte[] tampered = DenyLists.signed(4, ISSUED, LOST_CARD, FRAUD);
        // One bit of one byte: the list now names 0x3b44... instead of 0x3c44..., and is otherwise well-formed.
        tampered[new String(tampered, StandardCharsets.US_ASCII).indexOf("deny 0x3c44") + 8] ^= 0x01;

        var refused = assertInstanceOf(Acceptance.Refused.class, store.offer(tampered));

        assertTrue(refused.reason().contains("not by the issuer"), refused.reason());
        assertFalse(store.denies(FRAUD));
        assertEquals(3, fresh(store).sequence());
    }

    @Test
    void aListSignedByAnotherKeyIsRefused() {
        var store = open();

        var refused = store.offer(DenyLists.signed(Authorizations.key("impostor"), Fixtures.HEIT.chainId(), 9, ISSUED));

        assertInstanceOf(Acceptance.Refused.class, refused);
        assertEquals(new DenyListStanding.Missing(), store.standing());
    }

    @Test
    void aListForAnotherChainIsRefused() {
        var store = open();

        var refused = assertInstanceOf(Acceptance.Refused.class,
                store.offer(DenyLists.signed(MUNICIPALITY, 10, 3, ISSUED, LOST_CARD)));

        assertTrue(refused.reason().contains("chain 10"), refused.reason());
        assertFalse(store.denies(LOST_CARD));
    }

    @Test
    void anOlderListAfterANewerOneIsARollbackAndIsRefusedEvenAfterARestart() {
        var store = open();
        store.offer(DenyLists.signed(5, ISSUED, LOST_CARD, FRAUD));
        // Genuinely signed, but older, and it leaves the fraudster out: replaying it must not un-deny anyone.
        byte[] older = DenyLists.signed(4, ISSUED.plusSeconds(60), LOST_CARD);

        var refused = assertInstanceOf(Acceptance.Refused.class, store.offer(older));
        var reopened = open();

        assertTrue(refused.reason().contains("older"), refused.reason());
        assertTrue(store.denies(FRAUD));
        assertInstanceOf(Acceptance.Refused.class, reopened.offer(older));
        assertTrue(reopened.denies(FRAUD));
        assertEquals(5, fresh(reopened).sequence());
    }

    @Test
    void theSameListTwiceIsNoChangeButOtherContentUnderTheSameSequenceIsRefused() {
        var store = open();
        store.offer(DenyLists.signed(5, ISSUED, LOST_CARD));

        assertEquals(new Acceptance.AlreadyHeld(5), store.offer(DenyLists.signed(5, ISSUED, LOST_CARD)));
        var refused = assertInstanceOf(Acceptance.Refused.class, store.offer(DenyLists.signed(5, ISSUED)));

        assertTrue(refused.reason().contains("higher sequence"), refused.reason());
        assertTrue(store.denies(LOST_CARD));
    }

    @Test
    void aNewerListReplacesTheHeldOneEvenWhenItDeniesFewer() {
        var store = open();
        store.offer(DenyLists.signed(5, ISSUED, LOST_CARD, FRAUD));

        assertEquals(new Acceptance.Accepted(6), store.offer(DenyLists.signed(6, ISSUED.plusSeconds(60), FRAUD)));

        assertFalse(store.denies(LOST_CARD), "the card was found again");
        assertTrue(store.denies(FRAUD));
    }

    @Test
    void aStaleListRefusesOfflineApprovalsButStillDeniesWhoItNames() {
        var store = open();
        store.offer(DenyLists.signed(5, ISSUED, LOST_CARD));

        clock.advance(MAX_AGE);
        var verdict = store.check(LOST_CARD);

        assertTrue(verdict.denied());
        assertEquals(new DenyListStanding.Stale(5, ISSUED, MAX_AGE.plusHours(1)), verdict.standing());
        assertFalse(verdict.standing().allowsOfflineApprovals());
    }

    @Test
    void survivesARestartFromTheSameDirectory() {
        open().offer(DenyLists.signed(5, ISSUED, LOST_CARD));

        var reopened = open();

        assertTrue(reopened.denies(LOST_CARD));
        assertEquals(new DenyListStanding.Fresh(5, ISSUED, Duration.ofHours(1)), reopened.standing());
    }

    @Test
    void aCrashBetweenWritingAndRenamingLeavesThePreviousList() throws Exception {
        open().offer(DenyLists.signed(5, ISSUED, LOST_CARD));
        // What a power cut halfway through writing sequence 6 leaves on disk: half a temporary file.
        byte[] next = DenyLists.signed(6, ISSUED, LOST_CARD, FRAUD);
        Path partial = dir.resolve("deny-list.signed.partial");
        Files.write(partial, Arrays.copyOf(next, next.length / 2));

        var restarted = open();

        assertEquals(5, fresh(restarted).sequence());
        assertFalse(restarted.denies(FRAUD));
        assertFalse(Files.exists(partial), "the unfinished write is cleared away");
        assertEquals(new Acceptance.Accepted(6), restarted.offer(next), "and the list can still be delivered again");
    }

    @Test
    void aWriteThatFailsLeavesThePreviousListInForceInMemoryAndOnDisk() throws Exception {
        var store = open();
        store.offer(DenyLists.signed(5, ISSUED, LOST_CARD));
        // A directory where the temporary file must go: the write fails before anything is renamed.
        Files.createDirectory(dir.resolve("deny-list.signed.partial"));

        assertThrows(UncheckedIOException.class, () -> store.offer(DenyLists.signed(6, ISSUED, FRAUD)));

        assertEquals(5, fresh(store).sequence());
        assertArrayEquals(DenyLists.signed(5, ISSUED, LOST_CARD), readFile());
        assertEquals(5, fresh(open()).sequence());
    }

    @Test
    void aStoredFileThatNoLongerVerifiesCountsForNothingUntilAGoodListArrives() throws Exception {
        open().offer(DenyLists.signed(5, ISSUED, LOST_CARD));
        String onDisk = new String(readFile(), StandardCharsets.US_ASCII);
        Files.writeString(file(), onDisk.replace("sequence 5", "sequence 7"));

        var restarted = open();

        var standing = assertInstanceOf(DenyListStanding.Unverifiable.class, restarted.standing());
        assertTrue(standing.reason().startsWith("the stored list"), standing.reason());
        assertFalse(restarted.denies(LOST_CARD));
        assertEquals(new Acceptance.Accepted(6), restarted.offer(DenyLists.signed(6, ISSUED, LOST_CARD)));
        assertTrue(restarted.standing().allowsOfflineApprovals());
    }

    @Test
    void anOldUnsignedOneAddressPerLineFileDeniesNobodyAndAllowsNoOfflineApprovals() throws Exception {
        Files.writeString(file(), LOST_CARD.hex() + "  # lost card\n");

        var store = open();

        assertFalse(store.denies(LOST_CARD));
        assertInstanceOf(DenyListStanding.Unverifiable.class, store.standing());
    }

    @Test
    void withoutAConfiguredIssuerNoListIsAcceptedAndTheStandingSaysWhy() {
        var store = SignedDenyListStore.open(file(), Optional.empty(), Fixtures.HEIT.chainId(), MAX_AGE, clock);

        assertInstanceOf(Acceptance.Refused.class, store.offer(DenyLists.signed(5, ISSUED, LOST_CARD)));

        var standing = assertInstanceOf(DenyListStanding.Unverifiable.class, store.standing());
        assertTrue(standing.reason().contains("denyList.issuer"), standing.reason());
        assertFalse(store.denies(LOST_CARD));
        assertFalse(Files.exists(file()));
    }

    private static DenyListStanding.Fresh fresh(SignedDenyListStore store) {
        return assertInstanceOf(DenyListStanding.Fresh.class, store.standing());
    }

    private byte[] readFile() {
        try {
            return Files.readAllBytes(file());
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
