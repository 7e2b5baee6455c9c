// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import nl.heitje.simulator.card.CardApplet;

/**
 * A card that keeps count of the time spent inside it: what a tap spends "on the card" (in a real card, the chip's
 * own work), so that a tap's total can be split into the card's share and the terminal's.
 */
final class TimedApplet implements CardApplet {
    private final CardApplet card;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger commands = new AtomicInteger();
    private volatile long firstCommandAt;

    TimedApplet(CardApplet card) {
        this.card = card;
    }

    @Override
    public byte[] process(byte[] commandApdu) {
        long start = System.nanoTime();
        if (commands.get() == 0) {
            firstCommandAt = start;
        }
        try {
            return card.process(commandApdu);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
            commands.incrementAndGet();
        }
    }

    /** What the card did since the last take. */
    record Work(long nanos, int commands, long firstCommandAt) {
    }

    /**
     * Time spent in {@link #process}, commands answered and when the first came ({@link System#nanoTime()}) since
     * the last take; counting starts again.
     */
    synchronized Work take() {
        long first = firstCommandAt;
        return new Work(nanos.getAndSet(0), commands.getAndSet(0), first);
    }
}
