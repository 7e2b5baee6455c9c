// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The net effect of a run of ERC-20 {@code Transfer(from, to, value)} events on holders' balances. A mint comes
 * from the zero address and a burn goes to it; the zero address is nobody's balance, so neither counts for it.
 * Every address an event names is recorded, with a net change of zero too: it is then a holder the snapshot
 * knows, unlike an address no event ever named.
 */
public final class BalanceChanges {
    /** The address mints come from and burns go to. */
    public static final Address ZERO = new Address("0x" + "0".repeat(40));

    private final Map<Address, BigInteger> byHolder = new HashMap<>();
    private long transfers;

    public void add(Address from, Address to, BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("a transfer moves a uint256, never " + value);
        }
        if (!from.equals(ZERO)) {
            byHolder.merge(from, value.negate(), BigInteger::add);
        }
        if (!to.equals(ZERO)) {
            byHolder.merge(to, value, BigInteger::add);
        }
        transfers++;
    }

    /** Net change per holder named so far. */
    public Map<Address, BigInteger> byHolder() {
        return Collections.unmodifiableMap(byHolder);
    }

    /** How many transfers were added. */
    public long transfers() {
        return transfers;
    }

    public boolean isEmpty() {
        return transfers == 0;
    }
}
