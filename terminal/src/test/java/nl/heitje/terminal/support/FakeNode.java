// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainRejectedException;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.NodeFacts;

/**
 * A node that says about itself what the test tells it: honest by default (the configured chain id, each token's
 * own domain separator, a head stamped with the test clock's time), and able to lie or go away.
 */
public final class FakeNode implements NodeFacts {
    private final MutableClock clock;
    private final Map<Token, byte[]> separators = new HashMap<>();
    private final AtomicInteger identityQuestions = new AtomicInteger();
    private volatile long chainId;
    private volatile long block = 100;
    private volatile Instant blockTime;
    private volatile boolean unreachable;
    private volatile boolean followClock = true;

    public FakeNode(MutableClock clock, long chainId) {
        this.clock = clock;
        this.chainId = chainId;
    }

    public FakeNode chainId(long id) {
        this.chainId = id;
        return this;
    }

    /** The token contract answers this instead of its own domain separator. */
    public FakeNode domainSeparator(Token token, byte[] separator) {
        separators.put(token, separator);
        return this;
    }

    /** From now on the head is this block with this timestamp, whatever the clock says. */
    public FakeNode head(long number, Instant timestamp) {
        this.block = number;
        this.blockTime = timestamp;
        this.followClock = false;
        return this;
    }

    /** Back to a live chain: each head is a new block stamped with the test clock's time. */
    public FakeNode live() {
        this.followClock = true;
        return this;
    }

    public FakeNode unreachable(boolean gone) {
        this.unreachable = gone;
        return this;
    }

    /** How often the chain id was asked: once per identity check. */
    public int identityChecks() {
        return identityQuestions.get();
    }

    @Override
    public long nodeChainId() {
        reach();
        identityQuestions.incrementAndGet();
        return chainId;
    }

    @Override
    public byte[] domainSeparator(Token token) {
        reach();
        byte[] lie = separators.get(token);
        return lie != null ? lie.clone() : Eip3009.domainSeparator(token);
    }

    @Override
    public Head head() {
        reach();
        if (followClock) {
            return new Head(++block, clock.instant());
        }
        if (blockTime == null) {
            throw new ChainRejectedException("no head");
        }
        return new Head(block, blockTime);
    }

    private void reach() {
        if (unreachable) {
            throw new ChainUnavailableException("fake node switched off", new java.net.ConnectException("refused"));
        }
    }
}
