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

    /**
     * What is wrong with the printer now, when it can tell without printing (its device is gone, say); empty when
     * it seems fine or cannot tell. Cheap: health asks it on every call.
     */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

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
