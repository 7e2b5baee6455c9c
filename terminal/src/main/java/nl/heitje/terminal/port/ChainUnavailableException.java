// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/** The chain could not be asked: no network, a dead node, a timeout. The payment path falls back to offline rules. */
public class ChainUnavailableException extends RuntimeException {
    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
