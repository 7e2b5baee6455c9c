// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import java.io.IOException;
import java.io.InputStream;
import nl.heitje.terminal.device.ScanLineFramer;

/**
 * The lines of a serial-mode scanner: bytes as characters, each line ended by CR, LF or CR LF (the empty line
 * between CR and LF is no line). Pure: any {@link InputStream} will do.
 */
public final class SerialLineDecoder {
    private final ScanLineFramer framer;

    public SerialLineDecoder(ScanLineFramer framer) {
        this.framer = framer;
    }

    public void decode(InputStream stream) throws IOException {
        byte[] buffer = new byte[512];
        int read;
        while ((read = stream.read(buffer)) >= 0) {
            feed(buffer, 0, read);
        }
    }

    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r' || b == '\n') {
                framer.endLine();
            } else {
                framer.append((char) b);
            }
        }
    }
}
