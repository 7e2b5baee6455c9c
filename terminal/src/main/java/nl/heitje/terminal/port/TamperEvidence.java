// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.util.Optional;

/** The journal's hash chain over its redemptions, verified from the first one. */
@FunctionalInterface
public interface TamperEvidence {

    /** The sequence number of the first redemption whose link does not hold; empty when the chain is intact. */
    Optional<Long> firstBrokenLink();
}
