// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {
    private static Token token(int decimals) {
        return new Token("T" + decimals, 31337, Address.parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
                "Heerlens Heitje", "1", decimals);
    }

    private static final Token HEIT = token(2);

    @Test
    void printingAndParsingAreInversesForAnyAmountAndScale() {
        long seed = 20261127L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            Token token = token(random.nextInt(9));
            long units = random.nextInt(4) == 0 ? random.nextInt(1000) : Math.abs(random.nextLong() % 1_000_000_000_000_000L);
            Money money = new Money(units, token);
            String text = money.toDecimalString();
            assertEquals(Optional.of(money), Money.parse(text, token), "seed " + seed + ": " + text);
            // The text means exactly what BigDecimal says it means: no rounding anywhere.
            assertEquals(BigDecimal.valueOf(units, token.decimals()), new BigDecimal(text), "seed " + seed);
        }
    }

    @Test
    void acceptsFewerDecimalsThanTheTokenHas() {
        assertEquals(450, Money.parse("4.5", HEIT).orElseThrow().units());
        assertEquals(400, Money.parse("4", HEIT).orElseThrow().units());
        assertEquals(5, Money.parse("0.05", HEIT).orElseThrow().units());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 4.50", "4.50 ", "+4.50", "-4.50", "4,50", "4.501", "4.", ".5", "04.50", "4e2",
            "1_000", "٤.٥٠", "0x10", "NaN", "Infinity", "99999999999999999999", "92233720368547758.08"})
    void refusesAnythingButAPlainDecimalWithinTheTokensPrecision(String text) {
        assertTrue(Money.parse(text, HEIT).isEmpty(), text);
    }

    @Test
    void neverGoesNegativeOrMixesTokens() {
        assertThrows(IllegalArgumentException.class, () -> new Money(-1, HEIT));
        assertThrows(IllegalArgumentException.class, () -> new Money(1, HEIT).plus(new Money(1, token(6))));
        assertThrows(ArithmeticException.class, () -> new Money(Long.MAX_VALUE, HEIT).plus(new Money(1, HEIT)));
        assertEquals("4.50 T2", Money.parse("4.50", HEIT).orElseThrow().toString());
        assertEquals("7", new Money(7, token(0)).toDecimalString());
    }
}
