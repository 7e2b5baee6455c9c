// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.time.Instant;
import nl.heitje.terminal.domain.Token;

/**
 * What the node says about itself, for the trust checks: which chain it serves, the EIP-712 domain the token
 * contract checks signatures under, and its newest block. Every method answers from the node or throws
 * {@link ChainUnavailableException} (not reached) or {@link ChainRejectedException} (reached, but no usable answer).
 */
public interface NodeFacts {

    /** {@code eth_chainId}. */
    long nodeChainId();

    /** The 32 bytes the token contract answers to {@code DOMAIN_SEPARATOR()}. */
    byte[] domainSeparator(Token token);

    /** The newest block's number and timestamp. */
    Head head();

    record Head(long number, Instant timestamp) {
    }
}
