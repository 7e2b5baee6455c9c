// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which purses may pay a sale, and how much of it: the spending rules of each purse applied to this merchant and
 * this basket (till-api.md, "Several purses").
 */
public final class Eligibility {
    private final Address merchant;
    private final Optional<String> merchantCategory;
    private final Function<Token, RulesStanding> rules;

    /**
     * What one purse may pay of a sale, or why it may not be used at all.
     *
     * @param offered whether the purse is offered for the sale at all: its rules are known and let this merchant take
     *                it (a purse that may pay nothing of this basket is still offered, at zero, so staff see why)
     */
    public record Assessment(Token purse, Euros eligible, Optional<String> refusal, boolean offered) {
    }

    public Eligibility(Address merchant, Optional<String> merchantCategory, Function<Token, RulesStanding> rules) {
        this.merchant = merchant;
        this.merchantCategory = merchantCategory;
        this.rules = rules;
    }

    public Assessment assess(Token purse, Euros requested, Basket basket) {
        RulesStanding standing = rules.apply(purse);
        if (standing instanceof RulesStanding.Unknown unknown) {
            return new Assessment(purse, Euros.ZERO, Optional.of(purse.symbol() + "'s spending rules are not known"
                    + " here: " + unknown.reason()), false);
        }
        SpendingRules inForce = ((RulesStanding.InForce) standing).rules();
        Optional<String> refused = inForce.refusesMerchant(merchant, merchantCategory);
        if (refused.isPresent()) {
            return new Assessment(purse, Euros.ZERO, Optional.of(purse.symbol() + " " + refused.get()), false);
        }
        Euros eligible = inForce.eligibleOf(requested, basket);
        return new Assessment(purse, eligible, eligible.isZero()
                ? Optional.of(purse.symbol() + " " + inForce.describeProducts() + (basket.isEmpty()
                        ? ", and the till sent no basket to tell" : ", and nothing in this sale is"))
                : Optional.empty(), true);
    }

    /**
     * The sale with what each offered purse may pay: the purses in {@code offered}'s order, less those the merchant
     * may not take (a purse that may pay nothing of this basket is kept at zero, so staff see why).
     */
    public Sale sale(Euros requested, Basket basket, List<Token> offered) {
        Map<Token, Euros> eligible = new LinkedHashMap<>();
        for (Token purse : offered) {
            Assessment assessment = assess(purse, requested, basket);
            if (assessment.offered()) {
                eligible.put(purse, assessment.eligible());
            }
        }
        return new Sale(requested, basket, eligible);
    }
}
