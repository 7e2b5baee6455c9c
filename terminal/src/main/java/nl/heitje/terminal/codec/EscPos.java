// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import nl.heitje.terminal.domain.Printout;

/**
 * A slip in ESC/POS, the command language of thermal receipt printers (Epson's, and the compatible ones every till
 * shop sells). Only the commands every such printer has: initialise, alignment, emphasis, character size, line
 * feed, the QR code function ({@code GS ( k}, model 2) and the partial cut after a feed.
 */
public final class EscPos {
    public static final byte ESC = 0x1b;
    public static final byte GS = 0x1d;
    public static final byte LF = 0x0a;

    /** {@code ESC @}: back to the power-on state (clears styles a previous, broken-off slip left behind). */
    static final byte[] INITIALIZE = {ESC, '@'};
    /** {@code ESC t 0}: code page PC437, whose lower half is ASCII. */
    static final byte[] CODE_PAGE_ASCII = {ESC, 't', 0};
    /** {@code GS V 66 n}: feed n lines so the last line clears the cutter, then cut leaving a hinge. */
    static final byte[] FEED_AND_CUT = {GS, 'V', 66, 3};
    /** Level M: a smudged receipt still reads, and the code stays small. */
    static final byte QR_ERROR_CORRECTION_M = 49;

    private EscPos() {
    }

    public static byte[] encode(Printout printout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(INITIALIZE);
        out.writeBytes(CODE_PAGE_ASCII);
        for (Printout.Element element : printout.elements()) {
            if (element instanceof Printout.Line line) {
                line(out, line);
            } else {
                qr(out, (Printout.Qr) element);
            }
        }
        out.writeBytes(FEED_AND_CUT);
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, Printout.Line line) {
        out.writeBytes(new byte[] {ESC, 'a', (byte) line.align().ordinal()});
        out.writeBytes(new byte[] {ESC, 'E', (byte) (line.bold() ? 1 : 0)});
        // GS ! n: the high nibble is the width multiplier less one, the low nibble the height's.
        out.writeBytes(new byte[] {GS, '!', (byte) (line.large() ? 0x11 : 0x00)});
        // ESC M n: font A (12 x 24 dots) or the narrow font B (9 x 17).
        out.writeBytes(new byte[] {ESC, 'M', (byte) (line.small() ? 1 : 0)});
        out.writeBytes(line.text().getBytes(StandardCharsets.US_ASCII));
        out.write(LF);
    }

    private static void qr(ByteArrayOutputStream out, Printout.Qr qr) {
        out.writeBytes(new byte[] {ESC, 'a', (byte) Printout.Align.CENTER.ordinal()});
        out.writeBytes(new byte[] {ESC, 'E', 0});
        out.writeBytes(new byte[] {GS, '!', 0});
        out.writeBytes(new byte[] {ESC, 'M', 0});
        // Function 165: model 2, the one every scanner and phone reads.
        qrFunction(out, 'A', new byte[] {'2', 0});
        // Function 167: the module size in dots.
        qrFunction(out, 'C', new byte[] {(byte) qr.moduleDots()});
        // Function 169: error correction level.
        qrFunction(out, 'E', new byte[] {QR_ERROR_CORRECTION_M});
        // Function 180: store the data in the symbol storage area ('0' is the fixed m parameter).
        byte[] data = qr.data().getBytes(StandardCharsets.UTF_8);
        byte[] store = new byte[data.length + 1];
        store[0] = '0';
        System.arraycopy(data, 0, store, 1, data.length);
        qrFunction(out, 'P', store);
        // Function 181: print what was stored.
        qrFunction(out, 'Q', new byte[] {'0'});
        out.write(LF);
    }

    /** {@code GS ( k pL pH cn fn parameters}, where {@code pL pH} count cn, fn and the parameters, and cn is 49. */
    private static void qrFunction(ByteArrayOutputStream out, char function, byte[] parameters) {
        int length = parameters.length + 2;
        if (length > 0xffff) {
            throw new IllegalArgumentException("a QR code holds at most 65533 bytes here");
        }
        out.writeBytes(new byte[] {GS, '(', 'k', (byte) (length & 0xff), (byte) (length >> 8), 49, (byte) function});
        out.writeBytes(parameters);
    }
}
