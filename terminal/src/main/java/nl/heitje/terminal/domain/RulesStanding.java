// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * Where a purse's spending rules stand at this terminal: in force (an issuer's verified rules, or none when the
 * purse has no issuer to publish them), or unknown, when an issuer is configured but none of its rules verified
 * yet. A purse whose rules are unknown is taken nowhere: its issuer may limit it in ways this terminal cannot see.
 */
public sealed interface RulesStanding {
    record InForce(SpendingRules rules) implements RulesStanding {
    }

    record Unknown(String reason) implements RulesStanding {
    }
}
