// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import java.util.Optional;

/**
 * Whether this terminal may approve at all right now, online and offline, and if not why. Asked once per kind of
 * decision on the payment path, so it answers from what its checks last found and never does IO.
 */
public interface ApprovalGate {

    /** Empty when an online approval may go ahead; else why the chain's word is not taken (offline rules decide). */
    Optional<String> refusesOnline();

    /** Empty when an offline approval may go ahead; else why not (the payment is declined {@code OFFLINE_LIMIT}). */
    Optional<String> refusesOffline();

    /** No gate: for tests and tools that exercise the payment rules alone. Never used by the composition root. */
    ApprovalGate UNGUARDED = new ApprovalGate() {
        @Override
        public Optional<String> refusesOnline() {
            return Optional.empty();
        }

        @Override
        public Optional<String> refusesOffline() {
            return Optional.empty();
        }
    };
}
