// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.util.OptionalLong;

/** What a manager has acknowledged, so that the terminal may go on. */
public interface Acknowledgements {

    /** The redemption sequence number of the journal break a manager acknowledged; empty when none. */
    OptionalLong journalBreak();

    /** Where and how a manager acknowledges a journal break, for the message that asks for it. */
    String howToAcknowledgeJournalBreak(long brokenLink);
}
