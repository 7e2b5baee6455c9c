// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import nl.heitje.terminal.domain.Totals.Figure;
import org.junit.jupiter.api.Test;

class TotalsTest {
    /** A purse of six decimals: one cent is 10 000 units. */
    static final Token EURC = new Token("EURC", 31337, Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"),
            "Euro Coin", "2", 6);

    @Test
    void countsEachApprovalUnderItsStatusAndItsSettlementInEurosAndPurseUnits() {
        Totals totals = new Totals.Builder()
                .add(HEIT, PaymentStatus.APPROVED, SettlementStatus.SETTLED, false, new Euros(450),
                        new Money(450, HEIT))
                .add(HEIT, PaymentStatus.APPROVED, SettlementStatus.PENDING, false, new Euros(800),
                        new Money(800, HEIT))
                .add(EURC, PaymentStatus.APPROVED, SettlementStatus.SETTLED, false, new Euros(1250),
                        new Money(12_500_000, EURC))
                .build();

        Totals.PurseTotals heit = totals.purse("HEIT").orElseThrow();
        assertEquals(new Tally(2, 1250, 1250), heit.get(Figure.APPROVED));
        assertEquals(new Tally(1, 450, 450), heit.get(Figure.APPROVED_SETTLED));
        assertEquals(new Tally(1, 800, 800), heit.get(Figure.APPROVED_PENDING));
        assertEquals(Tally.ZERO, heit.get(Figure.APPROVED_FAILED));
        Totals.PurseTotals eurc = totals.purse("EURC").orElseThrow();
        assertEquals(new Tally(1, 1250, 12_500_000), eurc.get(Figure.APPROVED));
        assertEquals(6, eurc.decimals());
        assertEquals("12.50", eurc.get(Figure.APPROVED).euros().toDecimalString());
    }

    @Test
    void aPartialApprovalCountsWhatThePursePaidAndSeparatelyWhatTheTillStillCollects() {
        Totals totals = new Totals.Builder()
                .add(EURC, PaymentStatus.APPROVED, SettlementStatus.SUBMITTED, true, new Euros(1000),
                        new Money(6_000_000, EURC))
                .add(EURC, PaymentStatus.APPROVED, SettlementStatus.SUBMITTED, false, new Euros(300),
                        new Money(2_990_000, EURC))
                .add(EURC, PaymentStatus.APPROVED, SettlementStatus.SUBMITTED, false, new Euros(200),
                        new Money(2_000_000, EURC))
                .build();

        Totals.PurseTotals eurc = totals.purse("EURC").orElseThrow();
        assertEquals(new Tally(3, 600 + 299 + 200, 10_990_000), eurc.get(Figure.APPROVED));
        assertEquals(new Tally(2, 400 + 1, 0), eurc.get(Figure.PARTIAL), "a whole payment is no partial one");
        assertEquals(new Tally(1, 600, 6_000_000), eurc.get(Figure.OFFLINE_APPROVED));
    }

    @Test
    void countsWhatWasAskedForDeclinesCancelsAndExpiriesWithOrWithoutAPurse() {
        Totals totals = new Totals.Builder()
                .add(HEIT, PaymentStatus.DECLINED, null, true, new Euros(450), null)
                .add(null, PaymentStatus.DECLINED, null, false, new Euros(100), null)
                .add(null, PaymentStatus.CANCELLED, null, false, new Euros(200), null)
                .add(null, PaymentStatus.EXPIRED, null, false, new Euros(300), null)
                .add(EURC, PaymentStatus.EXPIRED, null, false, new Euros(5), null)
                .build();

        assertEquals(List.of("EURC", "HEIT"), totals.purses().stream().map(Totals.PurseTotals::symbol)
                .limit(2).toList());
        Totals.PurseTotals none = totals.purses().get(2);
        assertNull(none.symbol(), "the payments no purse was presented for come last");
        assertEquals(Map.of(Figure.DECLINED, new Tally(1, 100, 0), Figure.CANCELLED, new Tally(1, 200, 0),
                Figure.EXPIRED, new Tally(1, 300, 0)), none.figures());
        assertEquals(new Tally(1, 450, 450), totals.purse("HEIT").orElseThrow().get(Figure.DECLINED));
        assertEquals(Tally.ZERO, totals.purse("HEIT").orElseThrow().get(Figure.OFFLINE_APPROVED),
                "an offline decline is no offline approval");
        assertEquals(new Tally(1, 5, 50_000), totals.purse("EURC").orElseThrow().get(Figure.EXPIRED));
    }

    @Test
    void refusesAWaitingPaymentAndAnApprovalThatDoesNotAddUp() {
        var builder = new Totals.Builder();
        assertThrows(IllegalArgumentException.class,
                () -> builder.add(HEIT, PaymentStatus.WAITING, null, false, new Euros(100), null));
        assertThrows(IllegalArgumentException.class, () -> builder.add(HEIT, PaymentStatus.APPROVED,
                SettlementStatus.PENDING, false, new Euros(100), new Money(101, HEIT)));
        assertThrows(IllegalArgumentException.class, () -> builder.add(HEIT, PaymentStatus.APPROVED,
                SettlementStatus.PENDING, false, new Euros(100), new Money(100, EURC)));
        assertThrows(IllegalArgumentException.class, () -> builder.add(HEIT, PaymentStatus.APPROVED,
                SettlementStatus.PENDING, false, new Euros(100), new Money(1, EURC)), "not a whole cent");
        assertEquals(Totals.EMPTY, builder.build());
    }

    @Test
    void restoredLinesMakeTheSameTotals() {
        Totals counted = new Totals.Builder()
                .add(HEIT, PaymentStatus.APPROVED, SettlementStatus.FAILED, true, new Euros(450), new Money(300, HEIT))
                .add(null, PaymentStatus.EXPIRED, null, false, new Euros(300), null)
                .build();
        Totals.Builder restored = new Totals.Builder();
        counted.purses().forEach(purse -> purse.figures().forEach((figure, tally) ->
                restored.restore(purse.symbol(), purse.decimals(), figure, tally)));

        assertEquals(counted, restored.build());
    }
}
