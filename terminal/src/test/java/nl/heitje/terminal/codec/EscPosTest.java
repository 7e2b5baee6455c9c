// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import nl.heitje.terminal.domain.Printout;
import org.junit.jupiter.api.Test;

class EscPosTest {

    @Test
    void encodesASmallReceiptByteForByte() {
        Printout slip = new Printout(32, List.of(
                new Printout.Line("Bar", Printout.Align.CENTER, true, true),
                new Printout.Line("4.50 HEIT", Printout.Align.LEFT, false, false),
                new Printout.Qr("p1", 5)));

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0x1b, 0x40});                       // ESC @
        expected.writeBytes(new byte[] {0x1b, 0x74, 0x00});                 // ESC t 0
        expected.writeBytes(new byte[] {0x1b, 0x61, 0x01, 0x1b, 0x45, 0x01, 0x1d, 0x21, 0x11, 0x1b, 0x4d, 0x00});
        expected.writeBytes("Bar\n".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0x1b, 0x61, 0x00, 0x1b, 0x45, 0x00, 0x1d, 0x21, 0x00, 0x1b, 0x4d, 0x00});
        expected.writeBytes("4.50 HEIT\n".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0x1b, 0x61, 0x01, 0x1b, 0x45, 0x00, 0x1d, 0x21, 0x00, 0x1b, 0x4d, 0x00});
        expected.writeBytes(new byte[] {0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00}); // model 2
        expected.writeBytes(new byte[] {0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x05});       // 5 dots
        expected.writeBytes(new byte[] {0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31});       // level M
        expected.writeBytes(new byte[] {0x1d, 0x28, 0x6b, 0x05, 0x00, 0x31, 0x50, 0x30, 'p', '1'}); // store
        expected.writeBytes(new byte[] {0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30});       // print
        expected.write(0x0a);
        expected.writeBytes(new byte[] {0x1d, 0x56, 0x42, 0x03});           // feed and cut

        assertArrayEquals(expected.toByteArray(), EscPos.encode(slip));
    }

    @Test
    void countsALongQrPayloadInBothLengthBytes() {
        String data = "x".repeat(300);
        byte[] bytes = EscPos.encode(new Printout(48, List.of(new Printout.Qr(data, 6))));
        String encoded = new String(bytes, StandardCharsets.ISO_8859_1);
        int store = encoded.indexOf("\u001d(k" + (char) (303 & 0xff) + (char) (303 >> 8) + "1P0");
        org.junit.jupiter.api.Assertions.assertTrue(store > 0, "the store function counts 300 bytes + 3");
    }

    @Test
    void refusesALineThatIsNotPrintableAscii() {
        assertThrows(IllegalArgumentException.class,
                () -> new Printout.Line("\u001b@", Printout.Align.LEFT, false, false));
    }
}
