// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An amount of a sale in euro cents: what the till asks and what each purse may pay of it. Every purse counts one
 * token as one euro (its issuer pays the merchant out in euros at that rate), so a sale amount becomes a purse
 * amount by its decimals alone.
 */
public record Euros(long cents) implements Comparable<Euros> {
    public static final Euros ZERO = new Euros(0);
    /** The till's currency has cents; a purse must be able to pay a cent, so it needs at least this many decimals. */
    public static final int DECIMALS = 2;
    private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,15})(\\.([0-9]{1,2}))?");

    public Euros {
        if (cents < 0) {
            throw new IllegalArgumentException("an amount is never negative: " + cents);
        }
    }

    /** Parses {@code "4.50"} strictly: digits, an optional point and one or two decimals; empty otherwise. */
    public static Optional<Euros> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var match = DECIMAL.matcher(text);
        if (!match.matches()) {
            return Optional.empty();
        }
        String fraction = match.group(3) == null ? "" : match.group(3);
        long cents = Long.parseLong(match.group(1)) * 100
                + (fraction.isEmpty() ? 0 : Long.parseLong(fraction) * (fraction.length() == 1 ? 10 : 1));
        return Optional.of(new Euros(cents));
    }

    /** The sale amount a purse amount stands for; only whole cents are (this terminal never asks for less). */
    public static Euros of(Money money) {
        long scale = scale(money.token());
        if (money.units() % scale != 0) {
            throw new IllegalArgumentException(money + " is not a whole number of cents");
        }
        return new Euros(money.units() / scale);
    }

    /** This amount in the purse's base units. */
    public Money in(Token purse) {
        return new Money(Math.multiplyExact(cents, scale(purse)), purse);
    }

    public Euros plus(Euros other) {
        return new Euros(Math.addExact(cents, other.cents));
    }

    public Euros minus(Euros other) {
        return new Euros(Math.subtractExact(cents, other.cents));
    }

    public boolean isZero() {
        return cents == 0;
    }

    public Euros min(Euros other) {
        return cents <= other.cents ? this : other;
    }

    @Override
    public int compareTo(Euros other) {
        return Long.compare(cents, other.cents);
    }

    /** Always two decimals: {@code "4.50"}. */
    public String toDecimalString() {
        return (cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + (cents % 100);
    }

    @Override
    public String toString() {
        return toDecimalString();
    }

    private static long scale(Token purse) {
        if (purse.decimals() < DECIMALS) {
            throw new IllegalArgumentException("purse " + purse.symbol() + " has " + purse.decimals()
                    + " decimals; a purse needs at least " + DECIMALS + " to pay a cent");
        }
        long scale = 1;
        for (int i = DECIMALS; i < purse.decimals(); i++) {
            scale = Math.multiplyExact(scale, 10);
        }
        return scale;
    }
}
