// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.HolderBalances;

/** A holder snapshot in memory, for every token alike: balances by holder, and how far (and how old) it reaches. */
public final class FakeHolderBalances implements HolderBalances {
    private final Map<Address, BigInteger> balances = new ConcurrentHashMap<>();
    private volatile Coverage coverage;

    public FakeHolderBalances balance(Address holder, long units) {
        balances.put(holder, BigInteger.valueOf(units));
        return this;
    }

    /** The snapshot reaches {@code block}, made at {@code blockTime}. */
    public FakeHolderBalances coveredUpTo(long block, Instant blockTime) {
        coverage = new Coverage(block, "0x" + Long.toHexString(block), blockTime, blockTime);
        return this;
    }

    /** No snapshot at all: never synced. */
    public FakeHolderBalances missing() {
        coverage = null;
        return this;
    }

    @Override
    public Optional<BigInteger> balanceOf(Token token, Address holder) {
        return Optional.ofNullable(balances.get(holder));
    }

    @Override
    public Optional<Coverage> coverage(Token token) {
        return Optional.ofNullable(coverage);
    }
}
