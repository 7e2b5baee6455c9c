// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An EIP-3009 {@code TransferWithAuthorization} signed by the payer: the record a QR code or a signing card
 * produces, and exactly what the token contract checks on chain when it is settled.
 *
 * <p>{@code validAfter} and {@code validBefore} are uint64 on the wire; they are held in a {@code long} and
 * always compared unsigned, so a far-future value cannot turn negative.
 */
public record TransferAuthorization(long chainId, Address token, Address from, Address to, BigInteger value,
                                    long validAfter, long validBefore, Nonce nonce, Signature signature) {
    public static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    public TransferAuthorization {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(signature, "signature");
        if (value == null || value.signum() < 0 || value.compareTo(MAX_UINT256) > 0) {
            throw new IllegalArgumentException("value must be a uint256");
        }
    }

    /** The same fields with another signature: how a wallet or card fills in what it signed. */
    public TransferAuthorization withSignature(Signature newSignature) {
        return new TransferAuthorization(chainId, token, from, to, value, validAfter, validBefore, nonce, newSignature);
    }

    /** True when the value is exactly this amount of this token. */
    public boolean isFor(Money amount) {
        return value.equals(BigInteger.valueOf(amount.units()));
    }
}
