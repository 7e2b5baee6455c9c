// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What each issuer owes this merchant for a period, in euros (every purse counts one token as one euro): the
 * redemptions whose settlement completed in the period. Beside it, what is approved but not settled yet (owed once
 * it settles) and what failed in the period (the issuer does not pay that).
 *
 * @param purses  one line per purse, grouped by issuer
 * @param settled each settled payment behind the lines, oldest settlement first
 */
public record PayoutStatement(Merchant merchant, Instant from, Instant to, List<PurseLine> purses,
                              List<SettledPayment> settled) {

    /** Who is paid out; name and KvK number are empty when the config does not record them. */
    public record Merchant(Optional<String> name, Optional<String> kvk, Address address) {
        public Merchant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kvk, "kvk");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * What the journal knows of one purse for the period.
     *
     * @param settled redemptions whose settlement completed in the period
     * @param pending approved before the period ended and not settled yet (pending or submitted) now
     * @param failed  redemptions whose settlement failed in the period
     */
    public record PurseFigures(Token purse, Tally settled, Tally pending, Tally failed) {
        public static PurseFigures none(Token purse) {
            return new PurseFigures(purse, Tally.ZERO, Tally.ZERO, Tally.ZERO);
        }
    }

    /** @param issuer the purse's issuer (its rules signer); empty when the config names none */
    public record PurseLine(Optional<Address> issuer, PurseFigures figures) {
        /** The issuer's address, or words that say it is unknown, naming the purse so lines stay apart. */
        public String issuerName() {
            return issuer.map(Address::hex).orElse("issuer unknown (" + figures.purse().symbol() + ")");
        }

        public Token purse() {
            return figures.purse();
        }
    }

    public record SettledPayment(String paymentId, String reference, Token purse, Euros euros, Address payer,
                                 String txHash, Instant settledAt) {
    }

    public PayoutStatement {
        Objects.requireNonNull(merchant, "merchant");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("a period ends after it starts: " + from + " > " + to);
        }
        purses = List.copyOf(purses);
        settled = List.copyOf(settled);
    }

    /**
     * The statement for these purses: every configured purse gets a line, with nothing in it when the journal knew
     * nothing of it in the period.
     *
     * @param issuers each configured purse with its issuer, in the config's order
     */
    public static PayoutStatement of(Merchant merchant, Map<Token, Optional<Address>> issuers, Instant from,
                                     Instant to, List<PurseFigures> figures, List<SettledPayment> settled) {
        Map<Token, PurseFigures> byPurse = new LinkedHashMap<>();
        issuers.keySet().forEach(purse -> byPurse.put(purse, PurseFigures.none(purse)));
        figures.forEach(f -> byPurse.put(f.purse(), f));
        // An issuer's purses side by side, in the config's order; the purses of no known issuer last.
        Map<Address, List<PurseLine>> byIssuer = new LinkedHashMap<>();
        List<PurseLine> unknown = new ArrayList<>();
        for (PurseFigures f : byPurse.values()) {
            PurseLine line = new PurseLine(issuers.getOrDefault(f.purse(), Optional.empty()), f);
            line.issuer().ifPresentOrElse(issuer -> byIssuer.computeIfAbsent(issuer, i -> new ArrayList<>()).add(line),
                    () -> unknown.add(line));
        }
        List<PurseLine> grouped = new ArrayList<>();
        byIssuer.values().forEach(grouped::addAll);
        grouped.addAll(unknown);
        return new PayoutStatement(merchant, from, to, grouped, settled);
    }

    /**
     * What each issuer owes in all: the settled euros of its purses, by {@link PurseLine#issuerName()}. The units
     * of purses with different decimals do not add up, so only count and euros of these tallies mean anything.
     */
    public Map<String, Tally> owedByIssuer() {
        Map<String, Tally> owed = new LinkedHashMap<>();
        purses.forEach(line -> owed.merge(line.issuerName(), line.figures().settled(), Tally::plus));
        return owed;
    }
}
