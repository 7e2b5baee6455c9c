// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

/** A simulated device's code never reached the terminal: the real decoder dropped it, or no answer came in time. */
public final class ScanNotDeliveredException extends Exception {
    public ScanNotDeliveredException(String message) {
        super(message);
    }
}
