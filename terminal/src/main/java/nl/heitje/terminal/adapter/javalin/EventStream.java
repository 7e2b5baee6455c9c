// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.app.PaymentChangeFeed;

/**
 * {@code GET /api/v1/events}: the payment changes as server-sent events ({@code event: payment}, {@code id:} the
 * change's id, {@code data:} the payment object). A till that reconnects with {@code Last-Event-ID} gets what it
 * missed first; when that cannot be replayed it gets {@code event: resync} and must read its payments again.
 * Each stream holds one server thread while it is open, so their number is capped.
 */
final class EventStream {
    /** A comment line often enough that a proxy or the till notices a dead connection, and Jetty's idle timeout never fires. */
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final long POLL_MILLIS = 500;

    private final PaymentChangeFeed feed;
    private final int maxStreams;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closing;

    EventStream(PaymentChangeFeed feed, int maxStreams) {
        this.feed = feed;
        this.maxStreams = maxStreams;
    }

    void serve(Context ctx) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            throw new ApiError(429, "TOO_MANY_STREAMS", "at most " + maxStreams + " event streams may be open at"
                    + " once; close one or retry later");
        }
        PaymentChangeFeed.Subscription subscription = feed.subscribe(ctx.header("Last-Event-ID"));
        try (PaymentChangeFeed.Reader reader = subscription.reader()) {
            HttpServletResponse response = ctx.res();
            response.setStatus(200);
            response.setContentType("text/event-stream; charset=utf-8");
            response.setHeader("Cache-Control", "no-cache");
            OutputStream out = response.getOutputStream();
            write(out, ": heitje payment events\nretry: 2000\n\n");
            if (subscription.start() instanceof PaymentChangeFeed.Resync resync) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("reason", resync.why());
                data.put("lastEventId", resync.lastId());
                write(out, "id: " + resync.resumeId() + "\nevent: resync\ndata: "
                        + JsonHttp.mapper().writeValueAsString(data) + "\n\n");
            } else if (subscription.start() instanceof PaymentChangeFeed.Replay replay) {
                for (PaymentChangeFeed.Change change : replay.missed()) {
                    write(out, event(change));
                }
            }
            out.flush();
            long quietSince = System.nanoTime();
            while (!closing && !reader.fellBehind()) {
                Optional<PaymentChangeFeed.Change> next = reader.next(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (next.isPresent()) {
                    write(out, event(next.get()));
                    out.flush();
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MILLIS)) {
                    write(out, ": keep-alive\n\n");
                    out.flush();
                    quietSince = System.nanoTime();
                }
            }
            // Fallen behind: ending the stream makes the till reconnect and resume from its last id.
        } catch (IOException gone) {
            // The till went away; it resumes with Last-Event-ID when it comes back.
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    /** Ends every open stream within a poll: the server is stopping. */
    void close() {
        closing = true;
    }

    int openStreams() {
        return open.get();
    }

    private static String event(PaymentChangeFeed.Change change) throws IOException {
        return "id: " + change.id() + "\nevent: payment\ndata: "
                + JsonHttp.mapper().writeValueAsString(PaymentJson.of(change.payment())) + "\n\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
