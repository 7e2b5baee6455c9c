// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * A token this terminal accepts: where it lives (chain and contract), how it is shown, and the
 * EIP-712 domain name and version that its authorizations are signed under (these are not in the QR).
 */
public record Token(String symbol, long chainId, Address contract, String eip712Name, String eip712Version,
                    int decimals) {
    public Token {
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException("token symbol is missing");
        }
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive");
        }
        if (decimals < 0 || decimals > 18) {
            throw new IllegalArgumentException("decimals must be 0..18");
        }
    }

    public boolean isAt(long chainId, Address contract) {
        return this.chainId == chainId && this.contract.equals(contract);
    }
}
