// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;
import java.util.Optional;

/** The online funds rule: what the chain says the payer holds, less what this terminal has taken but not yet settled. */
public final class Funds {
    private Funds() {
    }

    public static Optional<DeclineCode> check(BigInteger chainBalance, long unsettledFromPayer, long amount) {
        BigInteger spendable = chainBalance.subtract(BigInteger.valueOf(unsettledFromPayer));
        return spendable.compareTo(BigInteger.valueOf(amount)) >= 0
                ? Optional.empty()
                : Optional.of(DeclineCode.INSUFFICIENT_FUNDS);
    }
}
