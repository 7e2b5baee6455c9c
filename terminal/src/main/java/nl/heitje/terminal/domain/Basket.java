// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sale's subtotals by product category, as the till sends them: what a purse limited to some categories may pay
 * for. Empty when the till sent none.
 */
public record Basket(List<Line> lines) {
    public static final Basket NONE = new Basket(List.of());
    /** More lines than any counter sale has; a bound on what a request can make the terminal keep. */
    public static final int MAX_LINES = 50;

    /** One subtotal; a category is a lower-case word such as {@code energy-saving}. */
    public record Line(String category, Euros amount) {
        private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

        public Line {
            if (category == null || !CATEGORY.matcher(category).matches()) {
                throw new IllegalArgumentException("a category is 1 to 32 of a-z, 0-9 and '-', starting with a letter"
                        + " or digit: \"" + category + "\"");
            }
            if (amount == null || amount.isZero()) {
                throw new IllegalArgumentException("a basket line of " + category + " needs a positive amount");
            }
        }
    }

    public Basket {
        lines = List.copyOf(lines);
        if (lines.size() > MAX_LINES) {
            throw new IllegalArgumentException("a basket has at most " + MAX_LINES + " lines");
        }
    }

    public static boolean isCategory(String text) {
        return text != null && Line.CATEGORY.matcher(text).matches();
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public Euros total() {
        return lines.stream().map(Line::amount).reduce(Euros.ZERO, Euros::plus);
    }

    /** The sum of the lines in these categories. */
    public Euros totalOf(Set<String> categories) {
        return lines.stream().filter(line -> categories.contains(line.category())).map(Line::amount)
                .reduce(Euros.ZERO, Euros::plus);
    }
}
