// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PayoutStatementTest {
    private static final Token EURC = TotalsTest.EURC;
    private static final Token VITA = new Token("VITA", 31337,
            Address.parse("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"), "Vitaal", "1", 2);
    private static final Address MUNICIPALITY = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final PayoutStatement.Merchant SHOP = new PayoutStatement.Merchant(Optional.of("Bakkerij"),
            Optional.of("12345678"), Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"));

    @Test
    void givesEveryPurseALineGroupedByIssuerAndNamesAPurseOfNoKnownIssuerBySymbol() {
        Map<Token, Optional<Address>> issuers = new LinkedHashMap<>();
        issuers.put(HEIT, Optional.of(MUNICIPALITY));
        issuers.put(EURC, Optional.empty());
        issuers.put(VITA, Optional.of(MUNICIPALITY));
        var heit = new PayoutStatement.PurseFigures(HEIT, new Tally(2, 900, 900), new Tally(1, 100, 100), Tally.ZERO);
        var vita = new PayoutStatement.PurseFigures(VITA, new Tally(1, 50, 50), Tally.ZERO, new Tally(1, 70, 70));

        PayoutStatement statement = PayoutStatement.of(SHOP, issuers, Instant.EPOCH, Instant.EPOCH.plusSeconds(1),
                List.of(vita, heit), List.of());

        assertEquals(List.of(HEIT, VITA, EURC), statement.purses().stream().map(PayoutStatement.PurseLine::purse)
                .toList());
        assertEquals(PayoutStatement.PurseFigures.none(EURC), statement.purses().get(2).figures());
        assertEquals("issuer unknown (EURC)", statement.purses().get(2).issuerName());
        assertEquals(Map.of(MUNICIPALITY.hex(), new Tally(3, 950, 950), "issuer unknown (EURC)", Tally.ZERO),
                statement.owedByIssuer(), "failed and pending are not owed");
    }
}
