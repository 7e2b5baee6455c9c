// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.Token;

/**
 * The purse issuers' spending rules as this terminal holds them (docs/spending-rules.md): only rules whose signature
 * verifies count, and they are read from the held copy, so they are enforced the same online and offline.
 */
public interface SpendingRulesBook {

    /**
     * Where the purse's rules stand right now: {@code InForce(SpendingRules.NONE)} for a purse without an issuer,
     * {@code InForce} with the issuer's verified rules, or {@code Unknown} when an issuer is configured but none of
     * its rules verified yet (and for a purse this terminal does not hold rules for at all).
     */
    RulesStanding standing(Token purse);

    /**
     * Where documents for one purse's rules are handed in, by a sync or any other channel.
     *
     * @throws IllegalArgumentException for a purse that is not one of this terminal's
     */
    SignedDocumentInbox inbox(Token purse);
}
