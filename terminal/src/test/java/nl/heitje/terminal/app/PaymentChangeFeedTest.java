// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import org.junit.jupiter.api.Test;

class PaymentChangeFeedTest {
    private final Map<String, Payment> journal = new HashMap<>();
    private final PaymentChangeFeed feed = new PaymentChangeFeed(id -> Optional.ofNullable(journal.get(id)), 5, 2);

    @Test
    void aReaderThatFallsBehindIsCutOffWithoutHoldingUpThePublisher() throws Exception {
        PaymentChangeFeed.Subscription slow = feed.subscribe(null);
        PaymentChangeFeed.Subscription keeping = feed.subscribe(null);

        for (int i = 0; i < 3; i++) {
            feed.changed(payment("p" + i));
            keeping.reader().next(1, TimeUnit.SECONDS).orElseThrow();
        }

        assertTrue(slow.reader().fellBehind());
        assertFalse(keeping.reader().fellBehind());
        assertEquals(1, feed.readers(), "the slow reader no longer takes changes");
    }

    @Test
    void aReaderResumesAfterItsLastChangeAndIsToldToResyncWhenThatIsNoLongerKept() {
        PaymentChangeFeed.Change first = feed.changed(payment("a"));
        PaymentChangeFeed.Change second = feed.changed(payment("b"));
        feed.changed(payment("c"));

        var resumed = assertInstanceOf(PaymentChangeFeed.Replay.class, feed.subscribe(first.id()).start());
        assertEquals(List.of("b", "c"), resumed.missed().stream().map(c -> c.payment().id()).toList());
        var upToDate = assertInstanceOf(PaymentChangeFeed.Replay.class, feed.subscribe(
                feed.changed(payment("d")).id()).start());
        assertEquals(List.of(), upToDate.missed());

        for (int i = 0; i < 5; i++) {
            feed.changed(payment("later" + i));
        }
        var resync = assertInstanceOf(PaymentChangeFeed.Resync.class, feed.subscribe(second.id()).start());
        assertEquals(second.id(), resync.lastId());
        assertInstanceOf(PaymentChangeFeed.Resync.class, feed.subscribe("0000-1").start());
        assertInstanceOf(PaymentChangeFeed.Resync.class, feed.subscribe("garbage").start());
        String future = first.id().substring(0, first.id().lastIndexOf('-') + 1) + "999";
        assertInstanceOf(PaymentChangeFeed.Resync.class, feed.subscribe(future).start());
    }

    @Test
    void aChangeCarriesThePaymentAsTheJournalHoldsItWhenNumbered() {
        Payment waiting = payment("x");
        Payment cancelled = waiting.cancel(Instant.EPOCH.plusSeconds(5));
        journal.put("x", cancelled);

        assertEquals(cancelled, feed.changed(waiting).payment());
    }

    private Payment payment(String id) {
        Payment payment = Payment.waiting(id, "till-" + id, new Money(100, HEIT), Instant.EPOCH);
        return payment;
    }
}
