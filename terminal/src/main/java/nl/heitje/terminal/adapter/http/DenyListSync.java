// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.port.DenyListInbox;

/**
 * Fetches the municipality's deny-list document from one URL and hands it to the inbox, which verifies and keeps
 * it. The channel is not trusted (the signature is), so a failed or refused fetch changes nothing: the held list
 * stays in force and the next round tries again. The composition root calls {@link #syncOnce()} on an interval.
 */
public final class DenyListSync {
    private static final Logger LOG = Logger.getLogger(DenyListSync.class.getName());
    /** Long enough for a slow mobile link, short enough that a dead server never holds a thread for long. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final DenyListInbox inbox;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private volatile Result last;

    /** What one round came to. */
    public sealed interface Result {
        Instant at();

        /** A document was fetched and offered; the acceptance says whether it is now in force. */
        record Received(Instant at, DenyListInbox.Acceptance acceptance) implements Result {
        }

        /** Nothing usable came back; the held list stays. */
        record Failed(Instant at, String reason) implements Result {
        }
    }

    /** @throws IllegalArgumentException for a URL that is not https, unless it is plain http to this machine */
    public DenyListSync(URI url, DenyListInbox inbox, Duration timeout, Clock clock) {
        requireTrustedTransport(url);
        this.url = url;
        this.inbox = inbox;
        this.timeout = timeout;
        this.clock = clock;
        // No redirects: a redirect could lead from https to plain http.
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The signature already proves who wrote a list, but plain http would let anyone on the way watch who is
     * denied or quietly withhold every update; only a loopback address (a local proxy, a test) is spared.
     */
    static void requireTrustedTransport(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = isLoopback(url.getHost());
        if (!(scheme.equals("https") || scheme.equals("http") && loopback) || url.getHost() == null) {
            throw new IllegalArgumentException("a deny-list URL must be https (plain http only to a loopback host): "
                    + url);
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Decided on the literal name alone: a DNS answer must not be able to make a host count as local.
        return bare.equalsIgnoreCase("localhost") || bare.matches("127(\\.[0-9]{1,3}){3}") || bare.equals("::1");
    }

    /**
     * Fetches once and offers what came back. A network or server fault is reported in the result, not thrown;
     * only a fault of the inbox itself (a disk that cannot keep a newer list) is thrown, after being recorded.
     */
    public Result syncOnce() {
        byte[] document;
        try {
            document = fetch();
        } catch (FetchFailed failure) {
            LOG.info("deny-list fetch from " + url + " failed (the held list stays): " + failure.getMessage());
            return record(new Result.Failed(clock.instant(), failure.getMessage()));
        }
        DenyListInbox.Acceptance acceptance;
        try {
            acceptance = inbox.offer(document);
        } catch (RuntimeException fault) {
            record(new Result.Failed(clock.instant(), "the fetched list could not be kept: " + fault.getMessage()));
            throw fault;
        }
        if (acceptance instanceof DenyListInbox.Acceptance.Refused refused) {
            LOG.warning("deny-list from " + url + " refused (the held list stays): " + refused.reason());
        }
        return record(new Result.Received(clock.instant(), acceptance));
    }

    /** The last round's result, if any round ran. */
    public Optional<Result> lastResult() {
        return Optional.ofNullable(last);
    }

    private Result record(Result result) {
        last = result;
        return result;
    }

    private static final class FetchFailed extends Exception {
        private static final long serialVersionUID = 1L;

        FetchFailed(String reason) {
            super(reason);
        }
    }

    private byte[] fetch() throws FetchFailed {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "text/plain")
                .header("Cache-Control", "no-cache")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> info.statusCode() == 200
                ? new LimitedBody(DenyListDocument.MAX_BYTES)
                : HttpResponse.BodySubscribers.replacing(null));
        try {
            // The request timeout covers the headers only; this bounds the body as well.
            HttpResponse<byte[]> response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new FetchFailed("HTTP " + response.statusCode());
            }
            return response.body();
        } catch (TimeoutException slow) {
            answer.cancel(true);
            throw new FetchFailed("no complete answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new FetchFailed(cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchFailed("interrupted");
        }
    }

    /** Collects a body, giving up as soon as it grows past the limit: a hostile server cannot fill the heap. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (received.size() + buffer.remaining() > limit) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("the document is larger than " + limit + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                received.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(received.toByteArray());
        }
    }
}
