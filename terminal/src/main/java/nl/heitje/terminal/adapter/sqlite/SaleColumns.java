// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.sqlite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import nl.heitje.terminal.domain.Basket;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Sale;
import nl.heitje.terminal.domain.Token;

/**
 * A sale's purses and basket in the payment row: {@code "HEIT:450,VITA:0"} and {@code "energy-saving:600,food:400"},
 * in order. Symbols and categories cannot hold ':' or ',', so the text is unambiguous.
 */
final class SaleColumns {
    private SaleColumns() {
    }

    static String eligible(Sale sale) {
        List<String> parts = new ArrayList<>();
        sale.eligible().forEach((purse, amount) -> parts.add(purse.symbol() + ":" + amount.cents()));
        return String.join(",", parts);
    }

    static String basket(Basket basket) {
        if (basket.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        basket.lines().forEach(line -> parts.add(line.category() + ":" + line.amount().cents()));
        return String.join(",", parts);
    }

    /**
     * @param legacyToken for rows written before purses: their one token paid all of the sale
     * @param purses      a purse no longer configured is left out: the sale it was offered for is history
     */
    static Map<Token, Euros> eligible(String text, Token legacyToken, Euros requested, Function<String, Token> purses) {
        Map<Token, Euros> eligible = new LinkedHashMap<>();
        if (text == null) {
            eligible.put(legacyToken, requested);
            return eligible;
        }
        for (String part : text.split(",")) {
            String[] pair = part.split(":");
            Token purse = purses.apply(pair[0]);
            if (purse != null) {
                eligible.put(purse, new Euros(Long.parseLong(pair[1])));
            }
        }
        return eligible;
    }

    static Basket basket(String text) {
        if (text == null) {
            return Basket.NONE;
        }
        List<Basket.Line> lines = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] pair = part.split(":");
            lines.add(new Basket.Line(pair[0], new Euros(Long.parseLong(pair[1]))));
        }
        return new Basket(lines);
    }
}
