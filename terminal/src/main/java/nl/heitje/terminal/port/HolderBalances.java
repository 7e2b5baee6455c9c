// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;

/**
 * What every holder of a token held as of one block, as this terminal rebuilt it from the token's {@code Transfer}
 * logs. Offline it is the terminal's only word on a payer's funds: the offline rules read it, never the chain.
 */
public interface HolderBalances {

    /**
     * The holder's balance in base units as of {@link Coverage#block()}: empty when no {@code Transfer} up to that
     * block names the holder (an address the snapshot does not know), zero when it held tokens and holds none now.
     */
    Optional<BigInteger> balanceOf(Token token, Address holder);

    /** How far the snapshot of this token reaches; empty while nothing of it has been synced. */
    Optional<Coverage> coverage(Token token);

    /**
     * @param block     every {@code Transfer} of the token up to and including this block is counted, none after it
     * @param blockHash that block's hash as the node gave it, to notice a node that serves another history
     * @param blockTime that block's timestamp: the chain time at which the balances are true
     * @param syncedAt  when this terminal committed this coverage (its own clock)
     */
    record Coverage(long block, String blockHash, Instant blockTime, Instant syncedAt) {
        /**
         * How old the balances are: measured from the block's own timestamp, not from the last sync, so a node
         * whose head is stuck (it answers, but mines nothing new) ages the snapshot as it should.
         */
        public Duration age(Instant now) {
            return Duration.between(blockTime, now);
        }
    }
}
