// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.math.BigInteger;
import java.util.Map;
import java.util.OptionalLong;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;

/** The writing side of {@link HolderBalances}: where the snapshot sync commits what it read from the chain. */
public interface HolderSnapshotStore extends HolderBalances {

    /**
     * Adds {@code changes} (net base units per holder, negative for a net outflow; zero still makes the holder known)
     * to the balances and moves the coverage to {@code next}, all in one transaction: the balances never count a
     * block that the coverage does not, nor the reverse, whatever is cut off mid-way.
     *
     * @param expectedBlock the coverage block the changes were read on top of; empty for a snapshot not started
     * @throws IllegalStateException when the coverage is no longer at {@code expectedBlock} (another writer went
     *                               first, or {@code next} does not lie beyond it); nothing is written
     */
    void advance(Token token, OptionalLong expectedBlock, Map<Address, BigInteger> changes, Coverage next);
}
