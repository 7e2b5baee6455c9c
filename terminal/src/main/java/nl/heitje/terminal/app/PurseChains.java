// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.ChainReader;

/**
 * The chain each purse lives on, as the payment path sees it: its node, whether that node can be reached, and
 * whether it is trusted. Every purse is asked of its own chain, so a chain that is down or untrusted sends only its
 * own purses to the offline rules.
 */
public interface PurseChains {

    /** The node of the token's chain, for the payer's balance and the authorization's state. */
    ChainReader reader(Token token);

    /** Whether the token's chain can be reached, as last observed. */
    Connectivity connectivity(Token token);

    /** Whether this terminal may approve payments in this token at all right now. */
    ApprovalGate gate(Token token);

    /** The newest block seen on the token's chain: where a search for what became of an approval there starts. */
    default long lastBlock(Token token) {
        return connectivity(token).lastBlock();
    }

    /** Every token on one chain: for tests and tools with one chain. */
    static PurseChains single(ChainReader reader, Connectivity connectivity, ApprovalGate gate) {
        return new PurseChains() {
            @Override
            public ChainReader reader(Token token) {
                return reader;
            }

            @Override
            public Connectivity connectivity(Token token) {
                return connectivity;
            }

            @Override
            public ApprovalGate gate(Token token) {
                return gate;
            }
        };
    }
}
