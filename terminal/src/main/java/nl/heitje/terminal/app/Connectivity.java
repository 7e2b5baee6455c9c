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

    /** The observation and when it was made (the last successful contact, for the offline age rule to come). */
    public record State(boolean online, Instant since, Instant lastContact) {
    }

    public Connectivity(ChainReader chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
        Instant now = clock.instant();
        this.state = new AtomicReference<>(new State(false, now, Instant.EPOCH));
    }

    public boolean isOnline() {
        return state.get().online();
    }

    public State state() {
        return state.get();
    }

    public void markOnline() {
        Instant now = clock.instant();
        state.updateAndGet(old -> new State(true, old.online() ? old.since() : now, now));
    }

    public void markOffline() {
        Instant now = clock.instant();
        state.updateAndGet(old -> old.online() ? new State(false, now, old.lastContact()) : old);
    }

    /** Asks the chain for its newest block and records what that says. */
    public boolean probe() {
        try {
            chain.blockNumber();
            markOnline();
        } catch (ChainUnavailableException unreachable) {
            markOffline();
        }
        return isOnline();
    }
}
