// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListStanding;

/**
 * The municipality's list of payers whose authorizations must be declined (lost cards, fraud), as this terminal
 * holds it: only a list whose signature verifies counts, and the answer says how far that list can be relied on.
 */
public interface DenyList {

    /**
     * What the list held right now says about one payer, and the standing of that same list, read together so a
     * list arriving in between cannot mix two answers.
     */
    Verdict check(Address payer);

    /** The standing of the list held right now, for health reports. */
    DenyListStanding standing();

    default boolean denies(Address payer) {
        return check(payer).denied();
    }

    /**
     * @param denied   a verified list names the payer (false when no verified list is held)
     * @param standing whether offline approvals may be given on the list that answered
     */
    record Verdict(boolean denied, DenyListStanding standing) {
    }
}
