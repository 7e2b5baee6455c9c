// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.port.ChainUnavailableException;

/**
 * Whether the chain can be reached, as last observed. A payment that finds the chain gone marks it offline, so
 * the next payments go straight to the offline rules instead of each waiting for a network timeout; a periodic
 * {@link #probe} brings it back.
 */
public final class Connectivity {
    private final ChainReader chain;
    private final Clock clock;
    private final AtomicReference<State> state;

    /**
     * The observation and when it was made (the last successful contact, for the offline age rule to come), and
     * the newest block seen: where a later search for what became of an approval on chain starts.
     */
    public record State(boolean online, Instant since, Instant lastContact, long lastBlock) {
    }

    public Connectivity(ChainReader chain, Clock clock) {
        this(chain, clock, Instant.EPOCH, 0);
    }

    /**
     * Starts offline from the last contact and block an earlier run recorded, so the time since the chain was last
     * seen, and where a search on chain starts, survive a restart.
     */
    public Connectivity(ChainReader chain, Clock clock, Instant lastContact, long lastBlock) {
        this.chain = chain;
        this.clock = clock;
        Instant now = clock.instant();
        this.state = new AtomicReference<>(new State(false, now, lastContact, lastBlock));
    }

    public boolean isOnline() {
        return state.get().online();
    }

    public State state() {
        return state.get();
    }

    public void markOnline() {
        markOnline(0);
    }

    /** A contact in which the chain showed this block (the newest seen is kept). */
    private void markOnline(long block) {
        Instant now = clock.instant();
        state.updateAndGet(old -> new State(true, old.online() ? old.since() : now, now,
                Math.max(old.lastBlock(), block)));
    }

    /** The newest block seen on chain; 0 before the first contact. */
    public long lastBlock() {
        return state.get().lastBlock();
    }

    public void markOffline() {
        Instant now = clock.instant();
        state.updateAndGet(old -> old.online() ? new State(false, now, old.lastContact(), old.lastBlock()) : old);
    }

    /** Asks the chain for its newest block and records what that says. */
    public boolean probe() {
        try {
            markOnline(chain.blockNumber());
        } catch (ChainUnavailableException unreachable) {
            markOffline();
        }
        return isOnline();
    }
}
