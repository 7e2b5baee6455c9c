// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

/**
 * The simulator will not start with what it was given (a chain that is not a dev chain, a data directory that
 * belongs to another chain...). Its message is one line for the developer; {@code simulator/run} prints it and
 * exits with status 2.
 */
public final class StartRefusedException extends RuntimeException {
    public StartRefusedException(String message) {
        super(message);
    }
}
