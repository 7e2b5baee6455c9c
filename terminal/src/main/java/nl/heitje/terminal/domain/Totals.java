// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts and sums of the payments decided in a period, per purse: the till's X report, and what a Z report keeps.
 * A payment counts in the period it was decided in; one still waiting is in none yet.
 *
 * @param purses ordered by symbol, the payments that no purse was presented for last
 */
public record Totals(List<PurseTotals> purses) {
    public static final Totals EMPTY = new Totals(List.of());

    /** The lines of a purse's totals. */
    public enum Figure {
        APPROVED, APPROVED_PENDING, APPROVED_SUBMITTED, APPROVED_SETTLED, APPROVED_FAILED,
        DECLINED, CANCELLED, EXPIRED,
        /** Approved, then undone by a manager before settlement: in no approved figure. */
        VOIDED,
        /** Approved for less than was asked; the cents are what the till still had to collect another way. */
        PARTIAL,
        /** Approved offline: also in {@link #APPROVED}. */
        OFFLINE_APPROVED;

        public static Figure of(PaymentStatus status) {
            return switch (status) {
                case APPROVED -> APPROVED;
                case DECLINED -> DECLINED;
                case CANCELLED -> CANCELLED;
                case EXPIRED -> EXPIRED;
                case VOIDED -> VOIDED;
                case WAITING -> throw new IllegalArgumentException("a waiting payment belongs to no period yet");
            };
        }

        public static Figure of(SettlementStatus settlement) {
            return switch (settlement) {
                case PENDING -> APPROVED_PENDING;
                case SUBMITTED -> APPROVED_SUBMITTED;
                case SETTLED -> APPROVED_SETTLED;
                case FAILED -> APPROVED_FAILED;
            };
        }
    }

    /**
     * @param symbol   null for the payments no purse was presented for (declined, cancelled or expired)
     * @param decimals the purse's decimals, which its units are counted in; 0 without a purse
     */
    public record PurseTotals(String symbol, int decimals, Map<Figure, Tally> figures) {
        public PurseTotals {
            Map<Figure, Tally> copy = new EnumMap<>(Figure.class);
            copy.putAll(figures);
            figures = Collections.unmodifiableMap(copy);
        }

        /** Zero when nothing counted under it. */
        public Tally get(Figure figure) {
            return figures.getOrDefault(figure, Tally.ZERO);
        }
    }

    public Totals {
        purses = List.copyOf(purses);
    }

    public Optional<PurseTotals> purse(String symbol) {
        return purses.stream().filter(p -> Objects.equals(p.symbol(), symbol)).findFirst();
    }

    /** Gathers totals one payment at a time, so a long period never has to be held in memory. */
    public static final class Builder {
        private final Map<String, Integer> decimals = new LinkedHashMap<>();
        private final Map<String, Map<Figure, Tally>> figures = new LinkedHashMap<>();

        /**
         * Counts one decided payment.
         *
         * @param purse      the purse that paid, or was presented and refused; null when none was
         * @param settlement where an approval's redemption stands; null for anything else
         * @param charged    what an approval took from the purse; null for anything else
         */
        public Builder add(Token purse, PaymentStatus status, SettlementStatus settlement, boolean offline,
                           Euros requested, Money charged) {
            Figure figure = Figure.of(status);
            if (status != PaymentStatus.APPROVED) {
                count(purse, figure, Tally.of(requested, purse == null ? 0 : requested.in(purse).units()));
                return this;
            }
            if (purse == null || settlement == null || charged == null || !charged.token().equals(purse)) {
                throw new IllegalArgumentException("an approval has its purse, its settlement and what it charged");
            }
            Euros paid = Euros.of(charged);
            if (paid.compareTo(requested) > 0) {
                throw new IllegalArgumentException("an approval of " + paid + " is more than the " + requested
                        + " asked");
            }
            Tally one = Tally.of(paid, charged.units());
            count(purse, Figure.APPROVED, one);
            count(purse, Figure.of(settlement), one);
            if (offline) {
                count(purse, Figure.OFFLINE_APPROVED, one);
            }
            if (paid.compareTo(requested) < 0) {
                count(purse, Figure.PARTIAL, Tally.of(requested.minus(paid), 0));
            }
            return this;
        }

        /** Puts back a line as it was kept, e.g. by a stored Z report. */
        public Builder restore(String symbol, int purseDecimals, Figure figure, Tally tally) {
            decimals.putIfAbsent(symbol, purseDecimals);
            figures.computeIfAbsent(symbol, s -> new EnumMap<>(Figure.class)).merge(figure, tally, Tally::plus);
            return this;
        }

        public Totals build() {
            List<PurseTotals> purses = new ArrayList<>();
            figures.forEach((symbol, lines) -> purses.add(new PurseTotals(symbol, decimals.get(symbol), lines)));
            purses.sort(Comparator.comparing(PurseTotals::symbol, Comparator.nullsLast(Comparator.naturalOrder())));
            return new Totals(purses);
        }

        private void count(Token purse, Figure figure, Tally tally) {
            restore(purse == null ? null : purse.symbol(), purse == null ? 0 : purse.decimals(), figure, tally);
        }
    }
}
