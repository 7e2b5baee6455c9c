// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ScanResult;

/** A QR scanner the simulator's control API "points at" a code: each scan goes to the terminal like a real one's. */
public final class SimulatedQrScanner implements QrSource {
    private volatile ScanHandler handler;

    @Override
    public void start(ScanHandler handler) {
        this.handler = handler;
    }

    /** Delivers a scanned text and answers what became of the payment attempt. */
    public ScanResult scan(String text) {
        ScanHandler current = handler;
        if (current == null) {
            throw new IllegalStateException("the terminal has not started this scanner");
        }
        return current.onScan(text);
    }

    @Override
    public void close() {
        handler = null;
    }
}
