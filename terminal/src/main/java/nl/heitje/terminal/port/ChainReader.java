// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.math.BigInteger;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Token;

/**
 * What the payment path asks the chain. Every method either answers from the chain or throws
 * {@link ChainUnavailableException}; it never guesses.
 */
public interface ChainReader {

    BigInteger balanceOf(Token token, Address holder);

    /** EIP-3009 {@code authorizationState}: true once the nonce was used or cancelled on chain. */
    boolean authorizationUsed(Token token, Address authorizer, Nonce nonce);

    /** What the online payment path needs to know about one payer and one authorization. */
    record PayerState(BigInteger balance, boolean authorizationUsed) {
    }

    /** Balance and {@code authorizationState} together; an adapter may fetch both in one round trip. */
    default PayerState payerState(Token token, Address payer, Nonce nonce) {
        return new PayerState(balanceOf(token, payer), authorizationUsed(token, payer, nonce));
    }

    /** The newest block number; a cheap way to ask whether the chain can be reached. */
    long blockNumber();
}
