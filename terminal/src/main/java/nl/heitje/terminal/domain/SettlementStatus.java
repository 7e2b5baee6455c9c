// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/** Where an approved redemption stands on its way to the chain. */
public enum SettlementStatus {
    /** Recorded, not yet in any transaction. */
    PENDING,
    /** In a signed transaction that has been persisted and broadcast, awaiting its receipt. */
    SUBMITTED,
    /** The token transfer is on chain. */
    SETTLED,
    /** The chain refused it; the reason is recorded. Never retried automatically. */
    FAILED
}
