// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {
    private static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
    private final ApprovalRules rules = new ApprovalRules(Duration.ofDays(1));

    private static ApprovalRules.Findings findings(String node, String head, String clock, String journal,
                                                   Instant lastContact) {
        return new ApprovalRules.Findings(Optional.ofNullable(node), Optional.ofNullable(head),
                Optional.ofNullable(clock), Optional.ofNullable(journal), Optional.ofNullable(lastContact));
    }

    @Test
    void approvesBothWaysWhenEveryCheckHolds() {
        ApprovalRules.Verdict verdict = rules.judge(findings(null, null, null, null, NOW.minusSeconds(5)), NOW);

        assertTrue(verdict.online());
        assertTrue(verdict.offline());
        assertEquals(List.of(), verdict.warnings());
    }

    @Test
    void anUntrustedNodeOrAStaleHeadStopsOnlyOnlineApprovals() {
        ApprovalRules.Verdict node = rules.judge(findings("chain id 1", null, null, null, NOW), NOW);
        ApprovalRules.Verdict head = rules.judge(findings(null, "stale", null, null, NOW), NOW);

        assertFalse(node.online());
        assertTrue(node.offline(), "a node that cannot be trusted is no worse than no node: offline rules decide");
        assertFalse(head.online());
        assertTrue(head.offline());
        assertEquals(List.of("chain id 1"), node.warnings());
    }

    @Test
    void anUnconfirmedClockOrABrokenJournalStopsEveryApproval() {
        ApprovalRules.Verdict clock = rules.judge(findings(null, null, "not confirmed", null, NOW), NOW);
        ApprovalRules.Verdict journal = rules.judge(findings(null, null, null, "broken at 7", NOW), NOW);

        assertFalse(clock.online());
        assertFalse(clock.offline());
        assertFalse(journal.online());
        assertFalse(journal.offline());
        assertEquals(List.of("broken at 7"), journal.warnings(), "each reason once");
    }

    @Test
    void offlineApprovalsEndADayAfterTheLastContactAndNeedOneAtAll() {
        assertTrue(rules.judge(findings(null, null, null, null, NOW.minus(Duration.ofDays(1))), NOW).offline());
        ApprovalRules.Verdict tooLong = rules.judge(
                findings(null, null, null, null, NOW.minus(Duration.ofDays(1)).minusSeconds(1)), NOW);
        ApprovalRules.Verdict never = rules.judge(findings(null, null, null, null, null), NOW);

        assertFalse(tooLong.offline());
        assertTrue(tooLong.online(), "online, the chain itself is the contact");
        assertTrue(tooLong.offlineRefusals().get(0).contains("offline.maxSinceContactSeconds"));
        assertFalse(never.offline());
    }
}
