// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Objects;

/**
 * One purse this terminal takes: its token, and the merchant's own risk limits for it, in its base units.
 *
 * @param maxUnsettledOnline units of online approvals that may stand unsettled at once: an online approval
 *                           reserves nothing on chain, so until it settles the payer can move the money away
 */
public record Purse(Token token, OfflineLimits offlineLimits, long maxUnsettledOnline) {
    public Purse {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(offlineLimits, "offlineLimits");
        if (token.decimals() < Euros.DECIMALS) {
            throw new IllegalArgumentException("purse " + token.symbol() + " has " + token.decimals()
                    + " decimals; a purse needs at least " + Euros.DECIMALS + " to pay a cent");
        }
    }

    public String symbol() {
        return token.symbol();
    }
}
