// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentEvent;
import nl.heitje.terminal.domain.SessionState;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * The in-process payment events: numbered as they are published, queued, and delivered to every subscriber in
 * order by one thread of their own. A subscriber that throws is logged and skipped for that event only.
 */
public final class PaymentEventBus implements PaymentEvents, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PaymentEventBus.class.getName());

    private final List<Consumer<PaymentEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<PaymentEvent> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private long lastSequence;

    public PaymentEventBus() {
        dispatcher = new Thread(this::dispatch, "payment-events");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public PaymentEvent publish(SessionState state, Payment payment, OptionalInt pinTriesLeft, Instant at) {
        // Numbering and queueing under one lock: two publishers cannot swap places between the two.
        synchronized (queue) {
            PaymentEvent event = new PaymentEvent(++lastSequence, state, payment, pinTriesLeft, at);
            queue.add(event);
            return event;
        }
    }

    @Override
    public void subscribe(Consumer<PaymentEvent> subscriber) {
        subscribers.add(subscriber);
    }

    private void dispatch() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                PaymentEvent event = queue.take();
                for (Consumer<PaymentEvent> subscriber : subscribers) {
                    try {
                        subscriber.accept(event);
                    } catch (RuntimeException fault) {
                        LOG.log(Level.WARNING, "a payment event subscriber failed on event " + event.sequence(), fault);
                    }
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        dispatcher.interrupt();
    }
}
