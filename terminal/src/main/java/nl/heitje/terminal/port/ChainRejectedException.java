// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/** The node answered, but with an error (a refused transaction, a reverted read): not a network fault. */
public class ChainRejectedException extends RuntimeException {
    public ChainRejectedException(String message) {
        super(message);
    }
}
