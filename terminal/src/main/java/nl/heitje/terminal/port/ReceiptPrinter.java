// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.Printout;

/** The counter's receipt printer. */
public interface ReceiptPrinter extends AutoCloseable {

    /**
     * Prints one slip and returns when the printer has taken all of it.
     *
     * @throws PrinterUnavailableException when the printer is not there, out of paper, or went away mid-slip
     */
    void print(Printout printout) throws PrinterUnavailableException;

    /** Where the printer is, for health and logs: its device file or serial port. */
    String name();

    @Override
    default void close() {
    }

    /** The printer could not print: a problem for staff to fix, never a reason to fail a payment. */
    final class PrinterUnavailableException extends Exception {
        public PrinterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }

        public PrinterUnavailableException(String message) {
            super(message);
        }
    }
}
