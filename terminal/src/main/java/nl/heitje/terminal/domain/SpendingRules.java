// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A purse issuer's rules on where and on what the purse may be spent (docs/purses.md). Each rule is optional; an
 * absent one does not limit.
 *
 * @param merchants          the merchants that may take the purse, by address
 * @param merchantCategories the kinds of merchant that may take it (a merchant may take it when it is listed by
 *                           address or its category is listed: either suffices)
 * @param productCategories  what it may pay for: only the basket lines of these categories
 */
public record SpendingRules(Optional<Set<Address>> merchants, Optional<Set<String>> merchantCategories,
                            Optional<Set<String>> productCategories) {
    /** No rules: the purse may be spent anywhere this terminal takes it, on anything. */
    public static final SpendingRules NONE = new SpendingRules(Optional.empty(), Optional.empty(), Optional.empty());

    public SpendingRules {
        merchants = merchants.map(Set::copyOf);
        merchantCategories = merchantCategories.map(Set::copyOf);
        productCategories = productCategories.map(Set::copyOf);
        merchantCategories.ifPresent(SpendingRules::requireCategories);
        productCategories.ifPresent(SpendingRules::requireCategories);
    }

    /** Why this merchant may not take the purse; empty when it may. */
    public Optional<String> refusesMerchant(Address merchant, Optional<String> merchantCategory) {
        if (merchants.isEmpty() && merchantCategories.isEmpty()) {
            return Optional.empty();
        }
        boolean listed = merchants.map(m -> m.contains(merchant)).orElse(false);
        boolean ofCategory = merchantCategory.flatMap(c -> merchantCategories.map(cs -> cs.contains(c))).orElse(false);
        if (listed || ofCategory) {
            return Optional.empty();
        }
        StringBuilder why = new StringBuilder("may be spent only at ");
        merchantCategories.ifPresent(cs -> why.append("merchants of category ").append(String.join(", ", sorted(cs))));
        if (merchants.isPresent()) {
            why.append(merchantCategories.isPresent() ? " or at " : "").append(merchants.get().size())
                    .append(" listed merchant").append(merchants.get().size() == 1 ? "" : "s");
        }
        why.append("; this merchant is ").append(merchantCategory.map(c -> "of category " + c)
                .orElse("of no category")).append(merchants.isPresent() ? " and not listed" : "");
        return Optional.of(why.toString());
    }

    /**
     * What the purse may pay of a sale: all of it without product rules; with them, the basket lines of its
     * categories (nothing when the till sent no basket: the terminal cannot know what is being sold).
     */
    public Euros eligibleOf(Euros requested, Basket basket) {
        if (productCategories.isEmpty()) {
            return requested;
        }
        return basket.totalOf(productCategories.get()).min(requested);
    }

    /** The words for a purse that may pay nothing of this sale, for a decline's reason. */
    public String describeProducts() {
        return productCategories.map(cs -> "may pay only for " + String.join(", ", sorted(cs)))
                .orElse("may pay for anything");
    }

    private static TreeSet<String> sorted(Set<String> values) {
        return new TreeSet<>(values);
    }

    private static void requireCategories(Set<String> categories) {
        for (String category : categories) {
            if (!Basket.isCategory(category)) {
                throw new IllegalArgumentException("not a category: \"" + category + "\"");
            }
        }
    }
}
