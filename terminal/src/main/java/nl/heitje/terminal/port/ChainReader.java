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

    /** The newest block number; a cheap way to ask whether the chain can be reached. */
    long blockNumber();
}
