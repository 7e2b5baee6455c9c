// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.OfflineFunds;
import nl.heitje.terminal.domain.OfflineLimits;
import nl.heitje.terminal.domain.Token;

/** The one test terminal: its token, merchant and rules, shared so that tests disagree only where they mean to. */
public final class Fixtures {
    public static final Token HEIT = new Token("HEIT", 31337,
            Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"), "Heerlens Heitje", "1", 2);
    public static final Address MERCHANT = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    /** A Tuesday morning in Heerlen, well away from midnight. */
    public static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
    public static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    public static final Duration ONLINE_WINDOW = Duration.ofMinutes(10);
    public static final Duration OFFLINE_WINDOW = Duration.ofHours(24);
    /** 20.00 per payment, 30.00 per payer per day, 500.00 and 50 approvals open in total. */
    public static final OfflineLimits OFFLINE_LIMITS = new OfflineLimits(20_00, 30_00, 500_00, 50);
    /** The holder snapshot may be a day old for offline approvals. */
    public static final OfflineFunds OFFLINE_FUNDS = new OfflineFunds(Duration.ofDays(1));

    /** 1000.00 of online approvals may stand unsettled at once. */
    public static final long MAX_UNSETTLED_ONLINE = 1_000_00;

    private Fixtures() {
    }

    public static PaymentAuthorizer.Rules rules() {
        return new PaymentAuthorizer.Rules(MERCHANT, List.of(HEIT), ONLINE_WINDOW, OFFLINE_WINDOW, OFFLINE_LIMITS, ZONE,
                MAX_UNSETTLED_ONLINE, OFFLINE_FUNDS);
    }
}
