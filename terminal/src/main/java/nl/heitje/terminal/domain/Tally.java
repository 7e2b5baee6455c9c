// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * How many payments, and what they come to: in euro cents, and in the purse's base units (0 where no purse is
 * known, or where the amount is not paid in the purse, like what a partial payment left for the till).
 */
public record Tally(long count, long cents, long units) {
    public static final Tally ZERO = new Tally(0, 0, 0);

    public Tally {
        if (count < 0 || cents < 0 || units < 0) {
            throw new IllegalArgumentException("a tally is never negative: " + count + ", " + cents + ", " + units);
        }
    }

    /** One payment of this many cents and units. */
    public static Tally of(Euros euros, long units) {
        return new Tally(1, euros.cents(), units);
    }

    public Tally plus(Tally other) {
        return new Tally(Math.addExact(count, other.count), Math.addExact(cents, other.cents),
                Math.addExact(units, other.units));
    }

    public Euros euros() {
        return new Euros(cents);
    }
}
