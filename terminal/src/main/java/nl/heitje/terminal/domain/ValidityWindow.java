// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time rule of payment-qr.md, step 6: the authorization must already be valid and must stay valid for as
 * long as the terminal may need to settle it, which is longer when it is offline.
 */
public final class ValidityWindow {
    private ValidityWindow() {
    }

    public static Optional<DeclineCode> check(TransferAuthorization authorization, Instant now, Duration settlementWindow) {
        long nowSeconds = now.getEpochSecond();
        if (Long.compareUnsigned(authorization.validAfter(), nowSeconds) >= 0) {
            return Optional.of(DeclineCode.NOT_YET_VALID);
        }
        long mustOutlive = Math.addExact(nowSeconds, settlementWindow.toSeconds());
        if (Long.compareUnsigned(authorization.validBefore(), mustOutlive) <= 0) {
            return Optional.of(DeclineCode.EXPIRED);
        }
        return Optional.empty();
    }
}
