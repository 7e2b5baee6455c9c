// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import com.fazecast.jSerialComm.SerialPort;
import nl.heitje.terminal.codec.EscPos;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.port.ReceiptPrinter;

/**
 * An ESC/POS printer on a serial line (RS-232, or a USB-serial adapter). Before each slip it asks the printer's
 * paper sensor ({@code DLE EOT 4}); a printer that does not answer is printed to all the same, as many cheap ones
 * never answer.
 */
public final class SerialReceiptPrinter implements ReceiptPrinter {
    private static final byte[] PAPER_STATUS = {0x10, 0x04, 0x04};
    /** Bits 5 and 6 of the paper sensor status: the roll is at its end. */
    private static final int PAPER_END = 0x60;
    private static final int STATUS_TIMEOUT_MILLIS = 300;
    private static final int WRITE_TIMEOUT_MILLIS = 10_000;

    private final String path;
    private final SerialSettings settings;

    public SerialReceiptPrinter(String path, SerialSettings settings) {
        this.path = path;
        this.settings = settings;
    }

    @Override
    public void print(Printout printout) throws PrinterUnavailableException {
        byte[] bytes = EscPos.encode(printout);
        SerialPort port = SerialPort.getCommPort(path);
        port.setComPortParameters(settings.baud(), settings.dataBits(),
                settings.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                settings.parity() == SerialSettings.Parity.ODD ? SerialPort.ODD_PARITY
                        : settings.parity() == SerialSettings.Parity.EVEN ? SerialPort.EVEN_PARITY
                        : SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                STATUS_TIMEOUT_MILLIS, WRITE_TIMEOUT_MILLIS);
        if (!port.openPort()) {
            throw new PrinterUnavailableException("cannot open the printer's serial port " + path + " (error "
                    + port.getLastErrorCode() + ")");
        }
        try {
            if (port.writeBytes(PAPER_STATUS, PAPER_STATUS.length) == PAPER_STATUS.length) {
                byte[] status = new byte[1];
                if (port.readBytes(status, 1) == 1 && (status[0] & PAPER_END) == PAPER_END) {
                    throw new PrinterUnavailableException("printer " + path + " is out of paper");
                }
            }
            int written = 0;
            while (written < bytes.length) {
                int now = port.writeBytes(bytes, bytes.length - written, written);
                if (now <= 0) {
                    throw new PrinterUnavailableException("printer " + path + " stopped taking data after "
                            + written + " of " + bytes.length + " bytes");
                }
                written += now;
            }
            awaitSent(bytes.length);
        } finally {
            port.closePort();
        }
    }

    /**
     * A write returns once the bytes are in the port's buffer, and closing the port may drop what is still in it:
     * so the port stays open for as long as the line needs to send them (ten bits a byte with start and stop bit).
     */
    private void awaitSent(int byteCount) throws PrinterUnavailableException {
        long millis = byteCount * 10L * 1000 / settings.baud() + 100;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new PrinterUnavailableException("interrupted while printer " + path + " was printing", interrupted);
        }
    }

    @Override
    public String name() {
        return path;
    }
}
