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
import nl.heitje.terminal.domain.Eligibility;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import java.util.Optional;
import java.util.function.Function;

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

    /** The Heitje as this terminal's one purse, with the limits above. */
    public static final Purse HEIT_PURSE = new Purse(HEIT, OFFLINE_LIMITS, MAX_UNSETTLED_ONLINE);

    public static PaymentAuthorizer.Rules rules() {
        return rules(List.of(HEIT_PURSE), purse -> new RulesStanding.InForce(SpendingRules.NONE));
    }

    /** This merchant (category {@code horeca}) taking these purses under these spending rules. */
    public static PaymentAuthorizer.Rules rules(List<Purse> purses, Function<Token, RulesStanding> spendingRules) {
        return new PaymentAuthorizer.Rules(MERCHANT, purses, ONLINE_WINDOW, OFFLINE_WINDOW, ZONE, OFFLINE_FUNDS,
                new Eligibility(MERCHANT, Optional.of("horeca"), spendingRules));
    }
}
