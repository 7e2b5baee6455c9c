// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * Every change of a payment, numbered, for the till's event stream: the session's changes (from the payment events),
 * voids, and the settlement's (PENDING, SUBMITTED, SETTLED, FAILED). Each change carries the payment as the journal
 * holds it at the moment the change is numbered, so a later number never shows an older state.
 *
 * <p>The last {@code replayCapacity} changes are kept, so a reader that lost its connection resumes after the last
 * change it saw without missing one. A position this feed cannot replay from (older than what is kept, from before
 * a restart, or unreadable) is answered with a {@link Resync}: the reader must read the payments it cares about
 * again. Publishing never waits for a reader: each has a bounded queue, and one that falls behind is cut off (it
 * then resumes from its position like after any lost connection).
 */
public final class PaymentChangeFeed {

    /** One numbered change. {@code id} is what the reader gives back to resume: this feed's identity and the number. */
    public record Change(long sequence, String id, Payment payment) {
    }

    /** What a reader is handed before the live changes: the ones it missed, or the word that it must read again. */
    public sealed interface Start {
    }

    /** The changes after the reader's position, oldest first; none when it is up to date or new. */
    public record Replay(List<Change> missed) implements Start {
    }

    /**
     * The reader's position cannot be replayed from; {@code why} says why. {@code resumeId} is the feed's position
     * now: the reader that has read again resumes from there.
     */
    public record Resync(String why, String lastId, String resumeId) implements Start {
    }

    /** A reader's live changes. Closed when the reader leaves, or by the feed when the reader fell behind. */
    public final class Reader implements AutoCloseable {
        private final BlockingQueue<Change> queue;
        private volatile boolean fellBehind;

        private Reader(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }

        /** The next change, or empty when none came within the wait. */
        public Optional<Change> next(long timeout, TimeUnit unit) throws InterruptedException {
            return Optional.ofNullable(queue.poll(timeout, unit));
        }

        /** True once a change could not be queued: the reader must be cut off and resume. */
        public boolean fellBehind() {
            return fellBehind;
        }

        private void offer(Change change) {
            if (!fellBehind && !queue.offer(change)) {
                fellBehind = true;
                readers.remove(this);
            }
        }

        @Override
        public void close() {
            readers.remove(this);
        }
    }

    private final Function<String, Optional<Payment>> current;
    private final int replayCapacity;
    private final int readerCapacity;
    /** Told apart from any earlier run's ids: after a restart, the numbers start again. */
    private final String feedId = UUID.randomUUID().toString().substring(0, 8);
    private final Deque<Change> replay = new ArrayDeque<>();
    private final ExecutorService sessionChanges = Executors.newSingleThreadExecutor(work -> {
        Thread thread = new Thread(work, "payment-change-feed");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Reader> readers = new CopyOnWriteArraySet<>();
    private long lastSequence;

    /**
     * @param current        the payment as the journal holds it now
     * @param replayCapacity how many changes are kept for readers that resume
     * @param readerCapacity how many changes a reader may have unread before it is cut off
     */
    public PaymentChangeFeed(Function<String, Optional<Payment>> current, int replayCapacity, int readerCapacity) {
        if (replayCapacity < 1 || readerCapacity < 1) {
            throw new IllegalArgumentException("capacities must be positive");
        }
        this.current = current;
        this.replayCapacity = replayCapacity;
        this.readerCapacity = readerCapacity;
    }

    /**
     * Takes the session's changes that change the payment (its start and its end; the steps in between change
     * only the counter's screen).
     */
    public void follow(PaymentEvents events) {
        events.subscribe(this::onSessionEvent);
    }

    /**
     * On the feed's own thread, in the order the events came: reading the journal may wait behind a long report,
     * and the lights, the buzzer and the staff screen, told on the events' thread, must not wait with it.
     */
    private void onSessionEvent(PaymentEvent event) {
        if (event.state() == SessionState.WAITING || event.state().isFinal()) {
            sessionChanges.execute(() -> changed(event.payment()));
        }
    }

    /** A payment changed: numbered and handed on, as the journal now holds it (else as given). */
    public synchronized Change changed(Payment payment) {
        Payment now = current.apply(payment.id()).orElse(payment);
        Change change = new Change(++lastSequence, feedId + "-" + lastSequence, now);
        replay.addLast(change);
        if (replay.size() > replayCapacity) {
            replay.removeFirst();
        }
        for (Reader reader : readers) {
            reader.offer(change);
        }
        return change;
    }

    /** A payment changed, known by its id only (e.g. a settlement outcome). */
    public void changed(String paymentId) {
        current.apply(paymentId).ifPresent(this::changed);
    }

    /**
     * A new reader, with what it missed since {@code lastId} (null or empty: a new reader, nothing missed). The
     * replay and the start of the live changes are taken under one lock: nothing falls between them.
     */
    public synchronized Subscription subscribe(String lastId) {
        Reader reader = new Reader(readerCapacity);
        readers.add(reader);
        return new Subscription(start(lastId), reader);
    }

    /** A reader and how it starts. */
    public record Subscription(Start start, Reader reader) {
    }

    private Start start(String lastId) {
        if (lastId == null || lastId.isBlank()) {
            return new Replay(List.of());
        }
        String prefix = feedId + "-";
        String now = prefix + lastSequence;
        if (!lastId.startsWith(prefix)) {
            return new Resync("the terminal restarted since event " + lastId + ", or it is not one of ours", lastId,
                    now);
        }
        long seen;
        try {
            seen = Long.parseLong(lastId.substring(prefix.length()));
        } catch (NumberFormatException unreadable) {
            return new Resync("event id " + lastId + " is not one of ours", lastId, now);
        }
        if (seen > lastSequence || seen < 0) {
            return new Resync("event id " + lastId + " is not one of ours", lastId, now);
        }
        long oldestKept = replay.isEmpty() ? lastSequence + 1 : replay.peekFirst().sequence();
        if (seen + 1 < oldestKept) {
            return new Resync("event " + lastId + " is older than the " + replayCapacity + " changes kept", lastId,
                    now);
        }
        List<Change> missed = new ArrayList<>();
        for (Change change : replay) {
            if (change.sequence() > seen) {
                missed.add(change);
            }
        }
        return new Replay(missed);
    }

    /** How many readers follow the feed now. */
    public int readers() {
        return readers.size();
    }
}
