// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Which of the terminal's trust checks stop which approvals. Online approvals rest on the node (that it serves the
 * configured chain and token, and a fresh head), on our clock and on the journal; offline approvals rest on our
 * clock, on the journal, and on how long ago the chain was last seen.
 *
 * @param maxSinceContact how long after the last trusted chain contact offline approvals are still given
 */
public record ApprovalRules(Duration maxSinceContact) {

    /**
     * What the checks found; each is empty when that check is satisfied, else says why not.
     *
     * @param node        the node's identity (chain id, token domain) for the current connection
     * @param head        the node's newest block is fresh enough to decide on
     * @param clock       our clock is confirmed by the chain since the terminal started, and has not jumped since
     * @param journal     the journal's hash chain is intact (or its break was acknowledged by a manager)
     * @param lastContact the last trusted chain contact, kept across restarts; empty when there never was one
     */
    public record Findings(Optional<String> node, Optional<String> head, Optional<String> clock,
                           Optional<String> journal, Optional<Instant> lastContact) {
    }

    /** Why online and offline approvals are refused right now; both lists empty when everything is trusted. */
    public record Verdict(List<String> onlineRefusals, List<String> offlineRefusals) {
        public Verdict {
            onlineRefusals = List.copyOf(onlineRefusals);
            offlineRefusals = List.copyOf(offlineRefusals);
        }

        public boolean online() {
            return onlineRefusals.isEmpty();
        }

        public boolean offline() {
            return offlineRefusals.isEmpty();
        }

        /** Every reason, once, for health. */
        public List<String> warnings() {
            LinkedHashSet<String> all = new LinkedHashSet<>(onlineRefusals);
            all.addAll(offlineRefusals);
            return List.copyOf(all);
        }
    }

    public Verdict judge(Findings findings, Instant now) {
        List<String> online = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        findings.journal().ifPresent(reason -> {
            online.add(reason);
            offline.add(reason);
        });
        findings.clock().ifPresent(reason -> {
            online.add(reason);
            offline.add(reason);
        });
        findings.node().ifPresent(online::add);
        findings.head().ifPresent(online::add);
        contactAge(findings.lastContact(), now).ifPresent(offline::add);
        return new Verdict(online, offline);
    }

    private Optional<String> contactAge(Optional<Instant> lastContact, Instant now) {
        if (lastContact.isEmpty()) {
            return Optional.of("the chain has never been reached by this terminal: no offline approvals");
        }
        Duration age = Duration.between(lastContact.get(), now);
        if (age.compareTo(maxSinceContact) > 0) {
            return Optional.of("the chain was last reached " + age.toSeconds() + " s ago (" + lastContact.get()
                    + "), longer than offline.maxSinceContactSeconds (" + maxSinceContact.toSeconds()
                    + " s): no offline approvals");
        }
        return Optional.empty();
    }
}
