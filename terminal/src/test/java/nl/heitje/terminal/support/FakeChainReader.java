// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;

/** A chain in memory: balances, nonces used on chain, and a switch that makes it unreachable. */
public final class FakeChainReader implements ChainReader {
    private final Map<Address, BigInteger> balances = new ConcurrentHashMap<>();
    private final Set<String> usedAuthorizations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean unavailable;
    private volatile boolean refusing;
    private volatile long blockNumber = 1;
    private volatile Runnable duringLookup = () -> { };

    public FakeChainReader balance(Address holder, long units) {
        balances.put(holder, BigInteger.valueOf(units));
        return this;
    }

    public void markUsed(Address authorizer, Nonce nonce) {
        usedAuthorizations.add(authorizer.hex() + "/" + nonce.hex());
    }

    public void unavailable(boolean unreachable) {
        this.unavailable = unreachable;
    }

    /** The node answers, but with an error: e.g. the token address holds no contract. */
    public void refusing(boolean refuses) {
        this.refusing = refuses;
    }

    /**
     * Runs inside every balance read, after the answer was taken: a slow node (block here), or the world moving on
     * between this read and the next (a settlement landing).
     */
    public void duringBalanceLookup(Runnable action) {
        this.duringLookup = action;
    }

    /** How often the chain was asked anything. */
    public int calls() {
        return calls.get();
    }

    @Override
    public BigInteger balanceOf(Token token, Address holder) {
        ask();
        BigInteger balance = balances.getOrDefault(holder, BigInteger.ZERO);
        duringLookup.run();
        return balance;
    }

    @Override
    public boolean authorizationUsed(Token token, Address authorizer, Nonce nonce) {
        ask();
        return usedAuthorizations.contains(authorizer.hex() + "/" + nonce.hex());
    }

    @Override
    public long blockNumber() {
        ask();
        return blockNumber++;
    }

    private void ask() {
        calls.incrementAndGet();
        if (unavailable) {
            throw new ChainUnavailableException("fake chain switched off", new java.net.ConnectException("refused"));
        }
        if (refusing) {
            throw new ChainRejectedException("fake chain: execution reverted");
        }
    }
}
