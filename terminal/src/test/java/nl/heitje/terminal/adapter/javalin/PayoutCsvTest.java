// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.PayoutStatement;
import nl.heitje.terminal.domain.Tally;
import nl.heitje.terminal.domain.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PayoutCsvTest {
    private static final Address MUNICIPALITY = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final Address PAYER = Address.parse("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain|plain",
            "Bakkerij de Vries, Heerlen|`\"Bakkerij de Vries, Heerlen\"`",
            "say \"cheese\"|`\"say \"\"cheese\"\"\"`",
            "=HYPERLINK(\"http://x\")|`\"'=HYPERLINK(\"\"http://x\"\")\"`",
            "+31 45 123|'+31 45 123",
            "-2+3|'-2+3",
            "@SUM(A1)|'@SUM(A1)",
            "=1,2|`\"'=1,2\"`",
            "12.50|12.50",
            "a=b|a=b"})
    void quotesWhatMustBeQuotedAndDisarmsAFormula(String value, String field) {
        assertEquals(field, PayoutCsv.field(value));
    }

    @Test
    void quotesALineBreakInsideAField() {
        assertEquals("\"two\r\nlines\"", PayoutCsv.field("two\r\nlines"));
    }

    @Test
    void writesOneLinePerPurseUnderAHeaderThatNamesTheMerchantAndPeriod() {
        Token eurc = new Token("EURC", 31337, Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "Euro Coin",
                "2", 6);
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        issuers.put(HEIT, Optional.of(MUNICIPALITY));
        issuers.put(eurc, Optional.empty());
        PayoutStatement statement = PayoutStatement.of(new PayoutStatement.Merchant(Optional.of("Bakker \"Brood\", BV"),
                        Optional.of("12345678"), Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")),
                issuers, FROM, TO, List.of(new PayoutStatement.PurseFigures(eurc, new Tally(2, 1250, 12_500_000),
                        new Tally(1, 5, 50_000), new Tally(1, 100, 1_000_000))), List.of());

        assertEquals("""
                merchant,"Bakker ""Brood"", BV"\r
                kvk,12345678\r
                merchant_address,0x70997970c51812dc3a010c7d01b50e0d17dc79c8\r
                from,2026-11-01T00:00:00Z\r
                to,2026-12-01T00:00:00Z\r
                \r
                issuer,purse,token_contract,chain_id,settled_count,settled_eur,pending_count,pending_eur,failed_count,\
                failed_eur\r
                0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc,HEIT,0x5fbdb2315678afecb367f032d93f642f64180aa3,31337,\
                0,0.00,0,0.00,0,0.00\r
                issuer unknown (EURC),EURC,0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0,31337,2,12.50,1,0.05,1,1.00\r
                """, PayoutCsv.purses(statement));
        assertEquals("payout-20261101T000000Z-20261201T000000Z.csv", PayoutCsv.fileName(statement, false));
    }

    @Test
    void listsEachSettledPaymentWithAReferenceThatCannotBreakOutOfItsCell() {
        PayoutStatement statement = PayoutStatement.of(new PayoutStatement.Merchant(Optional.empty(), Optional.empty(),
                        Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")), Map.of(HEIT, Optional.empty()),
                FROM, TO, List.of(), List.of(new PayoutStatement.SettledPayment("p-1", "=cmd|\"/c calc\"!A0", HEIT,
                        new Euros(450), PAYER, "0xabc", Instant.parse("2026-11-02T10:00:00Z"))));

        String csv = PayoutCsv.detail(statement);

        assertEquals(List.of("merchant,", "kvk,", "merchant_address,0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                        "from,2026-11-01T00:00:00Z", "to,2026-12-01T00:00:00Z", "",
                        "payment_id,reference,purse,eur,payer,tx_hash,settled_at",
                        "p-1,\"'=cmd|\"\"/c calc\"\"!A0\",HEIT,4.50,0x90f79bf6eb2c4f870365e785982e1f101e93b906,0xabc,"
                                + "2026-11-02T10:00:00Z"),
                List.of(csv.split("\r\n")));
        assertEquals("payout-20261101T000000Z-20261201T000000Z-detail.csv", PayoutCsv.fileName(statement, true));
    }
}
