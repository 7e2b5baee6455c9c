// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import nl.heitje.terminal.device.CollectingSink;
import nl.heitje.terminal.device.ScanLineFramer;
import org.junit.jupiter.api.Test;

class SerialLineDecoderTest {
    private static CollectingSink decode(int cap, byte[] bytes) throws Exception {
        CollectingSink sink = new CollectingSink();
        new SerialLineDecoder(new ScanLineFramer(cap, sink)).decode(new ByteArrayInputStream(bytes));
        return sink;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesEndWithCrLfOrCrLf() throws Exception {
        CollectingSink sink = decode(100, ascii("HTJ1:A B\rCR LF\r\nLF ONLY\n\n\rLAST UNENDED"));
        assertEquals(List.of("HTJ1:A B", "CR LF", "LF ONLY"), sink.lines);
        assertTrue(sink.dropped.isEmpty());
    }

    @Test
    void everyBase45CharacterComesThrough() throws Exception {
        String text = "HTJ1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        assertEquals(List.of(text), decode(100, ascii(text + "\r")).lines);
    }

    @Test
    void nonPrintableBytesAndOverlongLinesAreDroppedWhole() throws Exception {
        CollectingSink sink = decode(8, new byte[] {'A', 0x02, 'B', '\r', 'C', (byte) 0xC3, (byte) 0xA9, '\n',
                '1', '2', '3', '4', '5', '6', '7', '8', '9', '\r', 'O', 'K', '\r'});
        assertEquals(List.of("OK"), sink.lines);
        assertEquals(3, sink.dropped.size());
        assertTrue(sink.dropped.get(0).contains("0x02"), sink.dropped.get(0));
        assertTrue(sink.dropped.get(2).contains("longer than 8"), sink.dropped.get(2));
    }

    @Test
    void fuzzedBytesNeverBreakTheFramingRules() {
        Random random = new Random(424242);
        int[] lines = {0};
        ScanLineFramer.Sink checking = new ScanLineFramer.Sink() {
            @Override
            public void line(String text) {
                assertTrue(!text.isEmpty() && text.length() <= 30, "line of " + text.length());
                text.chars().forEach(c -> assertTrue(c >= 0x20 && c <= 0x7e, "non-printable " + c));
                lines[0]++;
            }

            @Override
            public void dropped(String reason) {
            }
        };
        SerialLineDecoder decoder = new SerialLineDecoder(new ScanLineFramer(30, checking));
        byte[] chunk = new byte[512];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < chunk.length; i++) {
                int pick = random.nextInt(100);
                // Mostly printable, with line ends often enough that many lines fit under the cap.
                chunk[i] = (byte) (pick < 4 ? '\r' : pick < 6 ? '\n' : pick < 95 ? 0x20 + random.nextInt(95)
                        : random.nextInt(256));
            }
            decoder.feed(chunk, 0, random.nextInt(chunk.length + 1));
        }
        assertTrue(lines[0] > 10_000, "only " + lines[0] + " lines came through");
    }
}
