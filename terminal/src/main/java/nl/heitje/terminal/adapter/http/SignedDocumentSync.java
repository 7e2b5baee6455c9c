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
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SignedDocumentInbox;

/**
 * Fetches one signed document (the municipality's deny-list, a purse issuer's spending rules) from one URL and hands
 * it to the inbox, which verifies and keeps it. The channel is not trusted (the signature is), so a failed or refused
 * fetch changes nothing: the held document stays in force and the next round tries again. The composition root
 * calls {@link #syncOnce()} on an interval.
 */
public class SignedDocumentSync {
    private static final Logger LOG = Logger.getLogger(SignedDocumentSync.class.getName());
    /** Long enough for a slow mobile link, short enough that a dead server never holds a thread for long. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String what;
    private final URI url;
    private final SignedDocumentInbox inbox;
    private final int maxBytes;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private volatile Result last;

    /** What one round came to. */
    public sealed interface Result {
        Instant at();

        /** A document was fetched and offered; the acceptance says whether it is now in force. */
        record Received(Instant at, SignedDocumentInbox.Acceptance acceptance) implements Result {
        }

        /** Nothing usable came back; the held document stays. */
        record Failed(Instant at, String reason) implements Result {
        }
    }

    /**
     * @param what     what the document is, for logs and messages ("deny-list", "HEIT spending rules")
     * @param maxBytes the largest document the inbox could accept; a longer answer is not read to its end
     * @throws IllegalArgumentException for a URL that is not https, unless it is plain http to this machine
     */
    public SignedDocumentSync(String what, URI url, SignedDocumentInbox inbox, int maxBytes, Duration timeout,
                              Clock clock) {
        requireTrustedTransport(what, url);
        this.what = what;
        this.url = url;
        this.inbox = inbox;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.clock = clock;
        // No redirects: a redirect could lead from https to plain http.
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Fetches the signed spending rules of one purse (docs/spending-rules.md) from its {@code token.X.rulesUrl}. */
    public static SignedDocumentSync spendingRules(Token purse, URI url, SignedDocumentInbox inbox, Duration timeout,
                                                   Clock clock) {
        return new SignedDocumentSync(purse.symbol() + " spending rules", url, inbox, SpendingRulesDocument.MAX_BYTES,
                timeout, clock);
    }

    /**
     * The signature already proves who wrote a document, but plain http would let anyone on the way watch what it
     * says (who is denied, where a purse may be spent) or quietly withhold every update; only a loopback address (a
     * local proxy, a test) is spared.
     */
    static void requireTrustedTransport(String what, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = isLoopback(url.getHost());
        if (!(scheme.equals("https") || scheme.equals("http") && loopback) || url.getHost() == null) {
            throw new IllegalArgumentException("a " + what + " URL must be https (plain http only to a loopback host): "
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
     * only a fault of the inbox itself (a disk that cannot keep a newer document) is thrown, after being recorded.
     */
    public Result syncOnce() {
        byte[] document;
        try {
            document = fetch();
        } catch (FetchFailed failure) {
            LOG.info(what + " fetch from " + url + " failed (the held document stays): " + failure.getMessage());
            return record(new Result.Failed(clock.instant(), failure.getMessage()));
        }
        SignedDocumentInbox.Acceptance acceptance;
        try {
            acceptance = inbox.offer(document);
        } catch (RuntimeException fault) {
            record(new Result.Failed(clock.instant(),
                    "the fetched " + what + " could not be kept: " + fault.getMessage()));
            throw fault;
        }
        if (acceptance instanceof SignedDocumentInbox.Acceptance.Refused refused) {
            LOG.warning(what + " from " + url + " refused (the held document stays): " + refused.reason());
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
                ? new LimitedBody(maxBytes)
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
