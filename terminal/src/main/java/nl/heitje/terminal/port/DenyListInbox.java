// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/**
 * Where a municipal deny-list document is handed in: a {@link SignedDocumentInbox} whose documents are deny-lists
 * (docs/deny-list.md), so that a deny-list cannot be offered to a purse's rules by mistake, nor the other way round.
 */
public interface DenyListInbox extends SignedDocumentInbox {
}
