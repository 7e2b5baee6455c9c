// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A serial port opened with jSerialComm, read with a short timeout so that closing it or interrupting the reader
 * ends a read promptly; a port that disappears (a USB-serial adapter unplugged) ends the stream with an error.
 */
final class SerialPortStream extends InputStream {
    private static final int READ_TIMEOUT_MILLIS = 250;

    private final SerialPort port;
    private volatile boolean closed;

    private SerialPortStream(SerialPort port) {
        this.port = port;
    }

    static SerialPortStream open(String path, SerialSettings settings) throws IOException {
        SerialPort port = SerialPort.getCommPort(path);
        port.setComPortParameters(settings.baud(), settings.dataBits(),
                settings.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                parity(settings.parity()));
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MILLIS, 0);
        if (!port.openPort()) {
            throw new IOException("cannot open serial port " + path + " (error " + port.getLastErrorCode() + ")");
        }
        return new SerialPortStream(port);
    }

    private static int parity(SerialSettings.Parity parity) {
        if (parity == SerialSettings.Parity.ODD) {
            return SerialPort.ODD_PARITY;
        }
        return parity == SerialSettings.Parity.EVEN ? SerialPort.EVEN_PARITY : SerialPort.NO_PARITY;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!closed) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("reading " + port.getSystemPortPath() + " interrupted");
            }
            int got = port.readBytes(buffer, length, offset);
            if (got > 0) {
                return got;
            }
            if (got < 0 || !port.isOpen()) {
                if (closed) {
                    break;
                }
                throw new IOException("serial port " + port.getSystemPortPath() + " failed (error "
                        + port.getLastErrorCode() + "): unplugged?");
            }
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true;
        port.closePort();
    }
}
