// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the staff screen's status line always shows: is each chain reachable, how many approvals still wait to be
 * settled, and every warning the terminal raises (clock not confirmed, deny-list too old, a failed settlement to
 * acknowledge, …), in words a person reads.
 *
 * @param onlineByChain chain id to reachable, the first token's chain first
 */
public record StaffStatus(Map<Long, Boolean> onlineByChain, long unsettled, List<String> warnings) {
    public static final StaffStatus UNKNOWN = new StaffStatus(Map.of(), 0, List.of());

    public StaffStatus {
        onlineByChain = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(onlineByChain));
        warnings = List.copyOf(warnings);
    }

    public boolean everyChainOnline() {
        return !onlineByChain.isEmpty() && onlineByChain.values().stream().allMatch(Boolean::booleanValue);
    }
}
