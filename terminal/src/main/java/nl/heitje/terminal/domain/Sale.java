// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the till asked, fixed when the payment is created: the amount, the basket if it sent one, and what each
 * purse this sale may be paid with may pay of it, in the order they are offered (the till's preference, else the
 * merchant's).
 *
 * @param eligible ordered; a purse the merchant may not take, or the till did not accept, is not in it
 */
public record Sale(Euros requested, Basket basket, Map<Token, Euros> eligible) {
    public Sale {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(basket, "basket");
        if (requested.isZero()) {
            throw new IllegalArgumentException("a sale is for a positive amount");
        }
        if (!basket.isEmpty() && !basket.total().equals(requested)) {
            throw new IllegalArgumentException("the basket adds up to " + basket.total() + ", not " + requested);
        }
        for (Euros each : eligible.values()) {
            if (each.compareTo(requested) > 0) {
                throw new IllegalArgumentException("a purse may pay at most the sale, not " + each);
            }
        }
        eligible = Collections.unmodifiableMap(new LinkedHashMap<>(eligible));
    }

    /** A sale of one amount that this purse may pay whole: how a single-purse till sale looks. */
    public static Sale of(Money amount) {
        Euros euros = Euros.of(amount);
        return new Sale(euros, Basket.NONE, Map.of(amount.token(), euros));
    }

    /** What this purse may pay of the sale; empty when the purse is not offered for it. */
    public Optional<Euros> eligibleFor(Token purse) {
        return Optional.ofNullable(eligible.get(purse));
    }

    /** The purses offered, in order, that may pay something of it. */
    public List<Token> payingPurses() {
        return eligible.entrySet().stream().filter(e -> !e.getValue().isZero()).map(Map.Entry::getKey).toList();
    }

    /** The one purse when only one is offered (the paying purse is then known before anything is presented). */
    public Optional<Token> onlyPurse() {
        return eligible.size() == 1 ? Optional.of(eligible.keySet().iterator().next()) : Optional.empty();
    }
}
