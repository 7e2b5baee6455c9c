// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What a citizen's signing card says about itself (GET INFO of the card protocol).
 *
 * @param noPinLimit the value, in token base units, the card signs without a PIN
 */
public record CardInfo(int version, Address address, int pinTriesLeft, BigInteger noPinLimit) {
    public CardInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(noPinLimit, "noPinLimit");
    }
}
