// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.NOW;
import static nl.heitje.terminal.support.Fixtures.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReceiptLayoutTest {
    private static final Address PAYER = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

    @Test
    void aReceiptSaysMerchantAmountPursePayerIdTimeAndLinksItsSettlement() {
        Payment approved = Payment.waiting("pay-1", "till-7", new Money(4_50, HEIT), NOW)
                .approve(HEIT, PAYER, PaymentMethod.QR, false, NOW.plusSeconds(5));

        Printout slip = new ReceiptLayout(32, ZONE).receipt(Receipt.of(approved, "Cafe 't Pleintje",
                Optional.of("https://heitje.example/payments/{id}")));

        String text = slip.text();
        assertTrue(text.contains("Cafe 't Pleintje"), text);
        assertTrue(text.contains("4.50 HEIT"), text);
        assertTrue(text.contains("0x3c44cd...93bc") || text.contains("0x3C44Cd...93BC"), text);
        assertTrue(text.contains("pay-1"), text);
        assertTrue(text.contains("2026-03-10 10:00:05"), text);
        assertFalse(text.contains("OFFLINE"), text);
        assertEquals(Optional.of("https://heitje.example/payments/pay-1"), slip.elements().stream()
                .filter(e -> e instanceof Printout.Qr).map(e -> ((Printout.Qr) e).data()).findFirst());
        slip.elements().stream().filter(e -> e instanceof Printout.Line).map(e -> (Printout.Line) e)
                .forEach(line -> assertTrue(line.text().length() <= (line.large() ? 16 : line.small() ? 42 : 32),
                        line.text()));
        assertTrue(text.contains("\npay-1\n"), "the id on a line of its own: " + text);
    }

    @Test
    void anOfflinePartialPaymentSaysSoAndWhatIsStillDue() {
        Sale sale = new Sale(new Euros(10_00), Basket.NONE, Map.of(HEIT, new Euros(6_00)));
        Payment approved = Payment.waiting("pay-2", "till-8", sale, NOW)
                .approve(HEIT, PAYER, PaymentMethod.CARD, true, NOW);

        Printout slip = new ReceiptLayout(48, ZONE).receipt(Receipt.of(approved, "Bar", Optional.empty()));

        String text = slip.text();
        assertTrue(text.contains("6.00 HEIT"), text);
        assertTrue(text.contains("EUR 4.00"), text);
        assertTrue(text.contains("OFFLINE"), text);
        assertTrue(slip.elements().contains(new Printout.Qr("pay-2", 6)), "without a URL the QR holds the id");
    }

    @Test
    void aZReportHasItsNumberAndEveryPursesFigures() {
        Totals totals = new Totals.Builder()
                .add(HEIT, PaymentStatus.APPROVED, SettlementStatus.SETTLED, false, new Euros(4_50),
                        new Money(4_50, HEIT))
                .add(HEIT, PaymentStatus.DECLINED, null, false, new Euros(2_00), null)
                .build();
        ZReport z = new ZReport(3, Instant.parse("2026-03-10T06:00:00Z"), NOW, NOW, totals);

        String text = new ReceiptLayout(32, ZONE).zReport("Bar", z).text();

        assertTrue(text.contains("Z REPORT 3"), text);
        assertTrue(text.contains("Purse HEIT"), text);
        assertTrue(text.matches("(?s).*Approved 1x +EUR 4.50.*"), text);
        assertTrue(text.matches("(?s).*Declined 1x +EUR 2.00.*"), text);
    }

    @Test
    void accentsAndTheEuroSignBecomePlainAscii() {
        assertEquals("Cafe EUR 3", Printout.Builder.printable("Caf\u00e9 \u20ac 3"));
    }
}
