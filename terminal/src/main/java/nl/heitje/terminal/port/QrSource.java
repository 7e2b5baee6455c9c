// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/**
 * A device that reads QR codes: a USB or serial scanner, a camera, or the simulator. It hands each decoded text
 * to the handler and gets back what became of the payment attempt (so a device can beep or light accordingly).
 */
public interface QrSource extends AutoCloseable {

    void start(ScanHandler handler);

    @Override
    void close();

    @FunctionalInterface
    interface ScanHandler {
        ScanResult onScan(String text);
    }
}
