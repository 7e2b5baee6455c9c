// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import static nl.heitje.terminal.support.SpendingRulesSigner.ISSUER;
import static nl.heitje.terminal.support.SpendingRulesSigner.ISSUER_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SignedDocumentInbox.Acceptance;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import nl.heitje.terminal.support.SpendingRulesSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedSpendingRulesStoreTest {
    /** A second purse of the same issuer on the same chain: its rules must never land on HEIT, nor HEIT's on it. */
    private static final Token ZORG = new Token("ZORG", Fixtures.HEIT.chainId(),
            Address.parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"), "Heerlense Zorgpas", "1", 2);
    /** A purse without an issuer: it has no rules, and none can be handed in for it. */
    private static final Token FREE = new Token("FREE", Fixtures.HEIT.chainId(),
            Address.parse("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"), "Vrij Heitje", "1", 2);
    private static final Address BAKERY = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    private static final Instant ISSUED = Fixtures.NOW.minus(Duration.ofHours(1));
    private static final SpendingRules FOOD_ONLY = new SpendingRules(Optional.empty(), Optional.of(Set.of("food-shop")),
            Optional.of(Set.of("groceries")));
    private static final SpendingRules BAKERY_ONLY = new SpendingRules(Optional.of(Set.of(BAKERY)), Optional.empty(),
            Optional.empty());

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);

    private SignedSpendingRulesStore open() {
        return SignedSpendingRulesStore.open(dir, List.of(
                new SignedSpendingRulesStore.Purse(Fixtures.HEIT, Optional.of(ISSUER)),
                new SignedSpendingRulesStore.Purse(ZORG, Optional.of(ISSUER)),
                new SignedSpendingRulesStore.Purse(FREE, Optional.empty())), clock);
    }

    private static byte[] heit(long sequence, SpendingRules rules) {
        return SpendingRulesSigner.signed(Fixtures.HEIT, sequence, ISSUED, rules);
    }

    private Path file(Token purse) {
        return dir.resolve("spending-rules-" + purse.symbol() + ".signed");
    }

    @Test
    void aPurseWithoutAnIssuerHasNoRulesInForceAndTakesNoDocuments() {
        var store = open();

        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), store.standing(FREE));
        var refused = assertInstanceOf(Acceptance.Refused.class,
                store.inbox(FREE).offer(SpendingRulesSigner.signed(ISSUER_KEY, FREE.chainId(), FREE.contract(), 1,
                        ISSUED, FOOD_ONLY)));
        assertTrue(refused.reason().contains("token.FREE.issuer"), refused.reason());
        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), store.standing(FREE));
        assertFalse(Files.exists(file(FREE)));
    }

    @Test
    void aPurseWithAnIssuerButNoVerifiedRulesHasItsRulesUnknown() {
        var standing = open().standing(Fixtures.HEIT);

        assertEquals(new RulesStanding.Unknown("no verified rules from " + ISSUER + " yet"), standing);
    }

    @Test
    void keepsVerifiedRulesInForceForTheirPurseOnly() {
        var store = open();

        assertEquals(new Acceptance.Accepted(3), store.inbox(Fixtures.HEIT).offer(heit(3, FOOD_ONLY)));

        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
        assertInstanceOf(RulesStanding.Unknown.class, store.standing(ZORG));
        assertArrayEquals(heit(3, FOOD_ONLY), read(file(Fixtures.HEIT)));
        assertFalse(Files.exists(file(ZORG)));
    }

    @Test
    void rulesForAnotherPurseOfTheSameIssuerAreRefused() {
        var store = open();

        var refused = assertInstanceOf(Acceptance.Refused.class,
                store.inbox(ZORG).offer(heit(3, SpendingRules.NONE)));

        assertTrue(refused.reason().contains("issued for token " + Fixtures.HEIT.contract()), refused.reason());
        assertInstanceOf(RulesStanding.Unknown.class, store.standing(ZORG));
    }

    @Test
    void rulesForAnotherChainAreRefused() {
        var refused = assertInstanceOf(Acceptance.Refused.class, open().inbox(Fixtures.HEIT).offer(
                SpendingRulesSigner.signed(ISSUER_KEY, 10, Fixtures.HEIT.contract(), 3, ISSUED, FOOD_ONLY)));

        assertTrue(refused.reason().contains("chain 10"), refused.reason());
    }

    @Test
    void rulesSignedByAnotherKeyAreRefused() {
        var store = open();

        var refused = assertInstanceOf(Acceptance.Refused.class, store.inbox(Fixtures.HEIT).offer(
                SpendingRulesSigner.signed(Authorizations.key("impostor"), Fixtures.HEIT.chainId(),
                        Fixtures.HEIT.contract(), 3, ISSUED, SpendingRules.NONE)));

        assertTrue(refused.reason().contains("signed by"), refused.reason());
        assertInstanceOf(RulesStanding.Unknown.class, store.standing(Fixtures.HEIT));
    }

    @Test
    void tamperedRulesAreRefusedAndTheHeldRulesStay() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(3, FOOD_ONLY));
        String tampered = new String(heit(4, FOOD_ONLY), StandardCharsets.US_ASCII)
                .replace("product-category groceries", "product-category jewellery");

        var refused = assertInstanceOf(Acceptance.Refused.class,
                store.inbox(Fixtures.HEIT).offer(tampered.getBytes(StandardCharsets.US_ASCII)));

        assertTrue(refused.reason().contains("not by the issuer"), refused.reason());
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
    }

    @Test
    void olderRulesAfterNewerOnesAreARollbackAndAreRefusedEvenAfterARestart() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        // Genuinely signed, but older and looser: replaying it must not free the purse again.
        byte[] older = heit(4, SpendingRules.NONE);

        var refused = assertInstanceOf(Acceptance.Refused.class, store.inbox(Fixtures.HEIT).offer(older));
        var reopened = open();

        assertTrue(refused.reason().contains("older"), refused.reason());
        assertInstanceOf(Acceptance.Refused.class, reopened.inbox(Fixtures.HEIT).offer(older));
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), reopened.standing(Fixtures.HEIT));
    }

    @Test
    void theSameRulesTwiceAreNoChangeButOtherContentUnderTheSameSequenceIsRefused() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));

        assertEquals(new Acceptance.AlreadyHeld(5), store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY)));
        var refused = assertInstanceOf(Acceptance.Refused.class,
                store.inbox(Fixtures.HEIT).offer(heit(5, BAKERY_ONLY)));

        assertTrue(refused.reason().contains("higher sequence"), refused.reason());
        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
    }

    @Test
    void newerRulesReplaceTheHeldOnesEvenWhenTheyAreLooser() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));

        assertEquals(new Acceptance.Accepted(6), store.inbox(Fixtures.HEIT).offer(heit(6, SpendingRules.NONE)));

        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), store.standing(Fixtures.HEIT));
    }

    @Test
    void survivesARestartFromTheSameDirectoryPurseByPurse() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        store.inbox(ZORG).offer(SpendingRulesSigner.signed(ZORG, 2, ISSUED, BAKERY_ONLY));

        var reopened = open();

        assertEquals(new RulesStanding.InForce(FOOD_ONLY), reopened.standing(Fixtures.HEIT));
        assertEquals(new RulesStanding.InForce(BAKERY_ONLY), reopened.standing(ZORG));
        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), reopened.standing(FREE));
    }

    @Test
    void aCrashBetweenWritingAndRenamingLeavesThePreviousRules() throws Exception {
        open().inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        byte[] next = heit(6, BAKERY_ONLY);
        Path partial = dir.resolve("spending-rules-HEIT.signed.partial");
        Files.write(partial, Arrays.copyOf(next, next.length / 2));

        var restarted = open();

        assertEquals(new RulesStanding.InForce(FOOD_ONLY), restarted.standing(Fixtures.HEIT));
        assertFalse(Files.exists(partial), "the unfinished write is cleared away");
        assertEquals(new Acceptance.Accepted(6), restarted.inbox(Fixtures.HEIT).offer(next));
    }

    @Test
    void aWriteThatFailsLeavesThePreviousRulesInForceInMemoryAndOnDisk() throws Exception {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        // A directory where the temporary file must go: the write fails before anything is renamed.
        Files.createDirectory(dir.resolve("spending-rules-HEIT.signed.partial"));

        assertThrows(UncheckedIOException.class, () -> store.inbox(Fixtures.HEIT).offer(heit(6, BAKERY_ONLY)));

        assertEquals(new RulesStanding.InForce(FOOD_ONLY), store.standing(Fixtures.HEIT));
        assertArrayEquals(heit(5, FOOD_ONLY), read(file(Fixtures.HEIT)));
    }

    @Test
    void aStoredFileThatNoLongerVerifiesLeavesTheRulesUnknownUntilGoodOnesArrive() throws Exception {
        open().inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        String onDisk = new String(read(file(Fixtures.HEIT)), StandardCharsets.US_ASCII);
        Files.writeString(file(Fixtures.HEIT), onDisk.replace("sequence 5", "sequence 7"));

        var restarted = open();

        var unknown = assertInstanceOf(RulesStanding.Unknown.class, restarted.standing(Fixtures.HEIT));
        assertTrue(unknown.reason().startsWith("no verified rules from " + ISSUER + " yet: the stored rules"),
                unknown.reason());
        assertEquals(new Acceptance.Accepted(6), restarted.inbox(Fixtures.HEIT).offer(heit(6, BAKERY_ONLY)));
        assertEquals(new RulesStanding.InForce(BAKERY_ONLY), restarted.standing(Fixtures.HEIT));
    }

    @Test
    void aNewIssuerInTheConfigDisownsTheOldIssuersRules() {
        open().inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        Address newIssuer = Address.parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

        var reopened = SignedSpendingRulesStore.open(dir,
                List.of(new SignedSpendingRulesStore.Purse(Fixtures.HEIT, Optional.of(newIssuer))), clock);

        var unknown = assertInstanceOf(RulesStanding.Unknown.class, reopened.standing(Fixtures.HEIT));
        assertTrue(unknown.reason().contains("not by the issuer " + newIssuer), unknown.reason());
    }

    @Test
    void aPurseThisTerminalDoesNotTakeHasUnknownRulesAndNoInbox() {
        var store = SignedSpendingRulesStore.open(dir,
                List.of(new SignedSpendingRulesStore.Purse(FREE, Optional.empty())), clock);

        assertInstanceOf(RulesStanding.Unknown.class, store.standing(Fixtures.HEIT));
        assertThrows(IllegalArgumentException.class, () -> store.inbox(Fixtures.HEIT));
    }

    @Test
    void aPurseListedTwiceIsRefused() {
        var purse = new SignedSpendingRulesStore.Purse(Fixtures.HEIT, Optional.of(ISSUER));

        assertThrows(IllegalArgumentException.class,
                () -> SignedSpendingRulesStore.open(dir, List.of(purse, purse), clock));
    }

    @Test
    void theHealthReportShowsEveryPurseInConfiguredOrder() {
        var store = open();
        store.inbox(Fixtures.HEIT).offer(heit(5, FOOD_ONLY));
        clock.advance(Duration.ofHours(2));

        var health = store.health();

        assertEquals(List.of(Fixtures.HEIT, ZORG, FREE), health.stream().map(SignedSpendingRulesStore.Health::purse)
                .toList());
        assertEquals(new SignedSpendingRulesStore.Health(Fixtures.HEIT, Optional.of(ISSUER),
                new RulesStanding.InForce(FOOD_ONLY), Optional.of(5L), Optional.of(ISSUED),
                Optional.of(Duration.ofHours(3))), health.get(0));
        assertInstanceOf(RulesStanding.Unknown.class, health.get(1).standing());
        assertEquals(Optional.empty(), health.get(1).sequence());
        assertEquals(new RulesStanding.InForce(SpendingRules.NONE), health.get(2).standing());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
