// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EurosAndRulesTest {
    private static final Token SIX_DECIMALS = new Token("MSTR", 31338,
            Address.parse("0x0000000000000000000000000000000000005757"), "Mestreechter Sjtuver", "1", 6);
    private static final Address SHOP = Fixtures.MERCHANT;
    private static final Address OTHER_SHOP = Address.parse("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

    @Test
    void parsesEurosStrictly() {
        assertEquals(Optional.of(new Euros(4_50)), Euros.parse("4.50"));
        assertEquals(Optional.of(new Euros(4_50)), Euros.parse("4.5"));
        assertEquals(Optional.of(new Euros(4_00)), Euros.parse("4"));
        assertEquals("4.05", new Euros(4_05).toDecimalString());
        assertEquals("0.00", Euros.ZERO.toDecimalString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4.505", "04.50", "4.", ".5", "-1", "1e2", " 4", "4,50", "99999999999999999"})
    void refusesWhatIsNotAnAmountInEuros(String text) {
        assertEquals(Optional.empty(), Euros.parse(text));
    }

    @Test
    void convertsToAPurseByItsDecimalsAndBack() {
        assertEquals(4_500_000, new Euros(4_50).in(SIX_DECIMALS).units());
        assertEquals(4_50, new Euros(4_50).in(Fixtures.HEIT).units());
        assertEquals(new Euros(4_50), Euros.of(new Money(4_500_000, SIX_DECIMALS)));
        assertThrows(IllegalArgumentException.class, () -> Euros.of(new Money(4_500_001, SIX_DECIMALS)),
                "a fraction of a cent is no sale amount");
        Token noCents = new Token("X", 1, SHOP, "X", "1", 1);
        assertThrows(IllegalArgumentException.class, () -> new Euros(1).in(noCents));
        assertThrows(IllegalArgumentException.class, () -> new Purse(noCents, Fixtures.OFFLINE_LIMITS, 0));
    }

    @Test
    void aBasketMustAddUpToItsSale() {
        Basket basket = new Basket(List.of(new Basket.Line("food", new Euros(4_00)),
                new Basket.Line("energy-saving", new Euros(6_00))));

        assertEquals(new Euros(10_00), basket.total());
        assertThrows(IllegalArgumentException.class, () -> new Sale(new Euros(9_99), basket, java.util.Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new Basket.Line("Food", new Euros(1)));
        assertThrows(IllegalArgumentException.class, () -> new Basket.Line("food", Euros.ZERO));
    }

    @Test
    void noRulesLetAnyMerchantTakeThePurseForAnything() {
        assertEquals(Optional.empty(), SpendingRules.NONE.refusesMerchant(SHOP, Optional.empty()));
        assertEquals(new Euros(10_00), SpendingRules.NONE.eligibleOf(new Euros(10_00), Basket.NONE));
    }

    @Test
    void aMerchantMayTakeARestrictedPurseByCategoryOrByAddress() {
        SpendingRules rules = new SpendingRules(Optional.of(Set.of(OTHER_SHOP)), Optional.of(Set.of("sport")),
                Optional.empty());

        assertEquals(Optional.empty(), rules.refusesMerchant(SHOP, Optional.of("sport")));
        assertEquals(Optional.empty(), rules.refusesMerchant(OTHER_SHOP, Optional.of("horeca")));
        assertEquals(Optional.of("may be spent only at merchants of category sport or at 1 listed merchant; this"
                + " merchant is of category horeca and not listed"), rules.refusesMerchant(SHOP, Optional.of("horeca")));
        assertTrue(rules.refusesMerchant(SHOP, Optional.empty()).orElseThrow().contains("of no category"));
    }

    @Test
    void aPurseLimitedToProductsPaysItsLinesOnly() {
        SpendingRules energy = new SpendingRules(Optional.empty(), Optional.empty(),
                Optional.of(Set.of("energy-saving", "insulation")));
        Basket basket = new Basket(List.of(new Basket.Line("energy-saving", new Euros(6_00)),
                new Basket.Line("food", new Euros(4_00)), new Basket.Line("insulation", new Euros(1_25))));

        assertEquals(new Euros(7_25), energy.eligibleOf(new Euros(11_25), basket));
        assertEquals(Euros.ZERO, energy.eligibleOf(new Euros(11_25), Basket.NONE));
    }
}
