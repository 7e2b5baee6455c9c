// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.HolderBalances.Coverage;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteHolderSnapshotTest {
    private static final Address ANNA = Address.parse("0x" + "a1".repeat(20));
    private static final Address BERT = Address.parse("0x" + "b2".repeat(20));

    @TempDir
    Path dir;
    private Path file;
    private SqliteHolderSnapshot store;

    @BeforeEach
    void open() {
        file = dir.resolve("data/snapshot.db");
        store = SqliteHolderSnapshot.open(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Coverage at(long block) {
        return new Coverage(block, String.format("0x%064x", block), Instant.ofEpochSecond(1_700_000_000L + block),
                Fixtures.NOW);
    }

    private static Map<Address, BigInteger> changes(Address holder, long units) {
        return Map.of(holder, BigInteger.valueOf(units));
    }

    @Test
    void startsEmptyAndTellsUnknownFromZero() {
        assertEquals(Optional.empty(), store.coverage(HEIT));
        store.advance(HEIT, OptionalLong.empty(), Map.of(ANNA, BigInteger.ZERO), at(10));

        assertEquals(Optional.of(BigInteger.ZERO), store.balanceOf(HEIT, ANNA));
        assertEquals(Optional.empty(), store.balanceOf(HEIT, BERT));
        assertEquals(Optional.of(at(10)), store.coverage(HEIT));
        assertEquals(1, store.holders(HEIT));
    }

    @Test
    void addsChangesToWhatIsHeldAndKeepsItAcrossARestart() {
        store.advance(HEIT, OptionalLong.empty(), changes(ANNA, 100), at(10));
        store.advance(HEIT, OptionalLong.of(10), Map.of(ANNA, BigInteger.valueOf(-30), BERT, BigInteger.valueOf(30)),
                at(12));
        store.close();
        store = SqliteHolderSnapshot.open(file);

        assertEquals(Optional.of(BigInteger.valueOf(70)), store.balanceOf(HEIT, ANNA));
        assertEquals(Optional.of(BigInteger.valueOf(30)), store.balanceOf(HEIT, BERT));
        assertEquals(12, store.coverage(HEIT).orElseThrow().block());
    }

    @Test
    void holdsBalancesBeyondSixtyFourBits() {
        BigInteger huge = BigInteger.TWO.pow(255).add(BigInteger.ONE);
        store.advance(HEIT, OptionalLong.empty(), Map.of(ANNA, huge), at(1));
        store.advance(HEIT, OptionalLong.of(1), Map.of(ANNA, huge), at(2));

        assertEquals(Optional.of(huge.shiftLeft(1)), store.balanceOf(HEIT, ANNA));
    }

    @Test
    void refusesChangesReadOnTopOfAnotherBlockAndWritesNothing() {
        store.advance(HEIT, OptionalLong.empty(), changes(ANNA, 100), at(10));

        assertThrows(IllegalStateException.class,
                () -> store.advance(HEIT, OptionalLong.empty(), changes(ANNA, 100), at(20)), "counted twice");
        assertThrows(IllegalStateException.class,
                () -> store.advance(HEIT, OptionalLong.of(9), changes(ANNA, 100), at(20)));
        assertThrows(IllegalStateException.class,
                () -> store.advance(HEIT, OptionalLong.of(10), changes(ANNA, 100), at(10)), "no move, no change");

        assertEquals(Optional.of(BigInteger.valueOf(100)), store.balanceOf(HEIT, ANNA));
        assertEquals(Optional.of(at(10)), store.coverage(HEIT));
    }

    @Test
    void keepsTokensApartByChainAndContractNotBySymbol() {
        Token moved = new Token(HEIT.symbol(), HEIT.chainId(), Address.parse("0x" + "99".repeat(20)),
                HEIT.eip712Name(), "1", 2);
        store.advance(HEIT, OptionalLong.empty(), changes(ANNA, 100), at(10));

        assertEquals(Optional.empty(), store.coverage(moved), "the symbol now names another contract: start afresh");
        assertEquals(Optional.empty(), store.balanceOf(moved, ANNA));
    }

    @Test
    void refusesAFileFromANewerTerminal() throws Exception {
        store.close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("PRAGMA user_version = 99");
        }

        JournalException refused = assertThrows(JournalException.class, () -> SqliteHolderSnapshot.open(file));
        assertTrue(refused.getMessage().contains("delete it to rebuild it"), refused.getMessage());
        store = SqliteHolderSnapshot.open(dir.resolve("other.db"));
    }
}
