// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The merchant's log-in sessions, kept in memory only: a restart logs everyone out, which on a till is no loss. A
 * session ends when unused for {@code idle}, or {@code maximum} after its log-in whatever happens. Each carries its
 * own CSRF token for the forms it is shown.
 */
final class Sessions {
    /** One merchant, a few devices: more live sessions than this and the oldest goes. */
    static final int MAX_SESSIONS = 8;

    record Session(String id, String csrfToken, Instant loggedInAt, Instant lastSeen) {
        @Override
        public String toString() {
            return "Session[loggedInAt=" + loggedInAt + "]";
        }
    }

    private final Map<String, Session> live = new HashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final Duration idle;
    private final Duration maximum;

    Sessions(SecureRandom random, Clock clock, Duration idle, Duration maximum) {
        this.random = random;
        this.clock = clock;
        this.idle = idle;
        this.maximum = maximum;
    }

    synchronized Session start() {
        dropExpired();
        while (live.size() >= MAX_SESSIONS) {
            live.values().stream().min(Comparator.comparing(Session::lastSeen))
                    .ifPresent(oldest -> live.remove(oldest.id()));
        }
        Instant now = clock.instant();
        Session session = new Session(randomToken(), randomToken(), now, now);
        live.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    synchronized Optional<Session> touch(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = live.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            live.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(session.id(), session.csrfToken(), session.loggedInAt(), now);
        live.put(id, touched);
        return Optional.of(touched);
    }

    synchronized void end(String id) {
        if (id != null) {
            live.remove(id);
        }
    }

    String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private boolean expired(Session session, Instant now) {
        return !now.isBefore(session.lastSeen().plus(idle)) || !now.isBefore(session.loggedInAt().plus(maximum));
    }

    private void dropExpired() {
        Instant now = clock.instant();
        live.values().removeIf(session -> expired(session, now));
    }
}
