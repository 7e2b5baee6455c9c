// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.math.BigInteger;

/** A secp256k1 signature as EVM tooling writes it: r, s and the recovery byte v (27 or 28 when well-formed). */
public record Signature(BigInteger r, BigInteger s, int v) {
    /** Half the secp256k1 group order: EIP-2 accepts only s at or below it, so a signature has one form. */
    public static final BigInteger HALF_CURVE_ORDER =
            new BigInteger("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);

    /** Stands in for the signature of fields that are still to be signed (by a wallet or a card). */
    public static final Signature UNSIGNED = new Signature(BigInteger.ONE, BigInteger.ONE, 27);

    public static Signature of(byte[] sixtyFiveBytes) {
        if (sixtyFiveBytes.length != 65) {
            throw new IllegalArgumentException("a signature has 65 bytes, not " + sixtyFiveBytes.length);
        }
        byte[] r = java.util.Arrays.copyOfRange(sixtyFiveBytes, 0, 32);
        byte[] s = java.util.Arrays.copyOfRange(sixtyFiveBytes, 32, 64);
        return new Signature(new BigInteger(1, r), new BigInteger(1, s), sixtyFiveBytes[64] & 0xFF);
    }

    /** The EIP-2 and encoding rules; whether it recovers to the payer is the verifier's business. */
    public boolean isCanonical() {
        return (v == 27 || v == 28) && r.signum() > 0 && s.signum() > 0 && s.compareTo(HALF_CURVE_ORDER) <= 0;
    }

    public byte[] bytes() {
        byte[] out = new byte[65];
        System.arraycopy(Hex.word(r), 0, out, 0, 32);
        System.arraycopy(Hex.word(s), 0, out, 32, 32);
        out[64] = (byte) v;
        return out;
    }

    public String hex() {
        return Hex.encode(bytes());
    }
}
