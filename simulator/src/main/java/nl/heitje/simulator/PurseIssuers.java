// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.Terminal;
import nl.heitje.terminal.adapter.file.SignedSpendingRulesStore;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SignedDocumentInbox;
import org.web3j.crypto.Credentials;

/**
 * The issuers of the dev purses that have spending rules, each with a key of its own (anvil's public development
 * accounts 5 and 6: nothing of value), and their part at start-up: signing each purse's rules into the terminal's
 * data directory, as an issuer's rules URL would deliver them.
 */
final class PurseIssuers {
    private static final Map<String, Credentials> KEYS = Map.of(
            DevPurse.VITA.symbol(),
            Credentials.create("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
            DevPurse.ENERGY.symbol(),
            Credentials.create("0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"));

    private PurseIssuers() {
    }

    /** The issuer of a purse with spending rules; empty for a purse without rules (no issuer configured). */
    static Optional<SpendingRulesIssuer> of(DevPurse purse) {
        boolean hasRules = purse.merchantCategories() != null || purse.productCategories() != null;
        return hasRules ? Optional.ofNullable(KEYS.get(purse.symbol())).map(SpendingRulesIssuer::new)
                : Optional.empty();
    }

    /** The purse's rules as its issuer publishes them. */
    static SpendingRules rulesOf(DevPurse purse) {
        return new SpendingRules(Optional.empty(), Optional.ofNullable(purse.merchantCategories()).map(Set::copyOf),
                Optional.ofNullable(purse.productCategories()).map(Set::copyOf));
    }

    /**
     * Plays each issuer at start-up: signs its purse's rules with the next sequence, so a data directory from an
     * earlier run takes them (rules are never rolled back to a lower sequence).
     */
    static void publish(TerminalConfig config, List<DevPurse> purses, Clock clock) {
        List<Token> tokens = Terminal.tokensOf(config);
        List<SignedSpendingRulesStore.Purse> configured = IntStream.range(0, tokens.size())
                .mapToObj(i -> new SignedSpendingRulesStore.Purse(tokens.get(i),
                        config.tokens().get(i).issuer().map(Address::parse)))
                .toList();
        SignedSpendingRulesStore store = SignedSpendingRulesStore.open(config.storage().dataDirectory(), configured,
                clock);
        for (SignedSpendingRulesStore.Purse purse : configured) {
            Optional<DevPurse> dev = purses.stream().filter(p -> p.symbol().equals(purse.token().symbol())).findFirst();
            Optional<SpendingRulesIssuer> issuer = dev.flatMap(PurseIssuers::of);
            if (purse.issuer().isEmpty() || issuer.isEmpty()) {
                continue;
            }
            long sequence = store.document(purse.token()).map(held -> held.sequence() + 1).orElse(1L);
            SignedDocumentInbox.Acceptance acceptance = store.inbox(purse.token()).offer(issuer.get()
                    .issue(purse.token(), sequence, clock.instant(), rulesOf(dev.get())));
            if (!(acceptance instanceof SignedDocumentInbox.Acceptance.Accepted)) {
                throw new IllegalStateException("the simulator's own " + purse.token().symbol()
                        + " spending rules were refused: " + acceptance);
            }
        }
    }
}
