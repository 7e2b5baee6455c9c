// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BalanceChangesTest {
    private static final Address ANNA = Address.parse("0x" + "a1".repeat(20));
    private static final Address BERT = Address.parse("0x" + "b2".repeat(20));

    @Test
    void aMintCreditsTheHolderAndABurnDebitsThemAndTheZeroAddressIsNobody() {
        BalanceChanges changes = new BalanceChanges();
        changes.add(BalanceChanges.ZERO, ANNA, BigInteger.valueOf(100));
        changes.add(ANNA, BERT, BigInteger.valueOf(30));
        changes.add(BERT, BalanceChanges.ZERO, BigInteger.valueOf(10));

        assertEquals(Map.of(ANNA, BigInteger.valueOf(70), BERT, BigInteger.valueOf(20)), changes.byHolder());
        assertEquals(3, changes.transfers());
        assertFalse(changes.byHolder().containsKey(BalanceChanges.ZERO));
    }

    @Test
    void anAddressNamedWithNothingMovedIsStillKnown() {
        BalanceChanges changes = new BalanceChanges();
        changes.add(ANNA, ANNA, BigInteger.valueOf(5));
        changes.add(BERT, ANNA, BigInteger.ZERO);

        assertEquals(Map.of(ANNA, BigInteger.ZERO, BERT, BigInteger.ZERO), changes.byHolder());
    }

    @Test
    void refusesANegativeValue() {
        assertThrows(IllegalArgumentException.class,
                () -> new BalanceChanges().add(ANNA, BERT, BigInteger.valueOf(-1)));
        assertTrue(new BalanceChanges().isEmpty());
    }

    /**
     * Property: for any run of valid transfers, the changes equal a ledger replayed step by step, in whatever order
     * the events are summed, and all holders together hold what was minted less what was burned.
     */
    @Test
    void changesMatchALedgerInAnyOrderAndConserveSupply() {
        Random random = new Random(7);
        List<Address> people = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            people.add(Address.parse(String.format("0x%040x", i + 1)));
        }
        for (int run = 0; run < 300; run++) {
            Map<Address, BigInteger> ledger = new HashMap<>();
            List<Address[]> parties = new ArrayList<>();
            List<BigInteger> values = new ArrayList<>();
            BigInteger minted = BigInteger.ZERO;
            BigInteger burned = BigInteger.ZERO;
            for (int step = 0; step < 60; step++) {
                Address from = random.nextInt(4) == 0 ? BalanceChanges.ZERO : people.get(random.nextInt(people.size()));
                Address to = random.nextInt(6) == 0 ? BalanceChanges.ZERO : people.get(random.nextInt(people.size()));
                BigInteger held = from.equals(BalanceChanges.ZERO) ? BigInteger.valueOf(1_000_000)
                        : ledger.getOrDefault(from, BigInteger.ZERO);
                BigInteger value = held.signum() == 0 ? BigInteger.ZERO
                        : new BigInteger(held.bitLength(), random).mod(held.add(BigInteger.ONE));
                if (from.equals(BalanceChanges.ZERO)) {
                    minted = minted.add(value);
                } else {
                    ledger.merge(from, value.negate(), BigInteger::add);
                }
                if (to.equals(BalanceChanges.ZERO)) {
                    burned = burned.add(value);
                } else {
                    ledger.merge(to, value, BigInteger::add);
                }
                parties.add(new Address[] {from, to});
                values.add(value);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            BalanceChanges changes = new BalanceChanges();
            for (int i : order) {
                changes.add(parties.get(i)[0], parties.get(i)[1], values.get(i));
            }

            ledger.remove(BalanceChanges.ZERO);
            assertEquals(ledger, changes.byHolder());
            assertEquals(minted.subtract(burned),
                    changes.byHolder().values().stream().reduce(BigInteger.ZERO, BigInteger::add));
            assertTrue(changes.byHolder().values().stream().allMatch(b -> b.signum() >= 0),
                    "a valid history leaves nobody below zero");
        }
    }
}
