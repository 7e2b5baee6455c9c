// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/** An amount of one token, in its base units (for the Heitje: euro cents). Never a floating-point number. */
public record Money(long units, Token token) {
    private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,17})(\\.([0-9]+))?");

    public Money {
        if (units < 0) {
            throw new IllegalArgumentException("money is never negative: " + units);
        }
    }

    /**
     * Parses a decimal string such as {@code "4.50"} strictly: digits, an optional point and at most the
     * token's decimals; no sign, exponent, spaces or grouping. Empty when the text is not such an amount.
     */
    public static Optional<Money> parse(String text, Token token) {
        if (text == null) {
            return Optional.empty();
        }
        var match = DECIMAL.matcher(text);
        if (!match.matches()) {
            return Optional.empty();
        }
        String fraction = match.group(3) == null ? "" : match.group(3);
        if (fraction.length() > token.decimals() || (match.group(2) != null && fraction.isEmpty())) {
            return Optional.empty();
        }
        try {
            long whole = Long.parseLong(match.group(1));
            long scale = pow10(token.decimals());
            long fractionUnits = fraction.isEmpty() ? 0 : Long.parseLong(fraction) * pow10(token.decimals() - fraction.length());
            return Optional.of(new Money(Math.addExact(Math.multiplyExact(whole, scale), fractionUnits), token));
        } catch (ArithmeticException tooLarge) {
            return Optional.empty();
        }
    }

    public static Money zero(Token token) {
        return new Money(0, token);
    }

    public Money plus(Money other) {
        requireSameToken(other);
        return new Money(Math.addExact(units, other.units), token);
    }

    public boolean exceeds(Money other) {
        requireSameToken(other);
        return units > other.units;
    }

    /** The decimal text with exactly the token's decimals, e.g. {@code "4.50"}. */
    public String toDecimalString() {
        if (token.decimals() == 0) {
            return Long.toString(units);
        }
        long scale = pow10(token.decimals());
        String fraction = Long.toString(units % scale);
        return (units / scale) + "." + "0".repeat(token.decimals() - fraction.length()) + fraction;
    }

    @Override
    public String toString() {
        return toDecimalString() + " " + token.symbol();
    }

    private void requireSameToken(Money other) {
        if (!token.equals(other.token)) {
            throw new IllegalArgumentException("cannot combine " + token.symbol() + " with " + other.token.symbol());
        }
    }

    private static long pow10(int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result = Math.multiplyExact(result, 10);
        }
        return result;
    }
}
