// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import nl.heitje.terminal.device.ScanLineFramer;
import org.junit.jupiter.api.Test;

/** Whatever a device sends, the decoder neither throws nor hands on a line that breaks the framing rules. */
class KeyEventDecoderFuzzTest {
    private static final int CAP = 40;

    /** Checks every line as it comes; counts them so that a fuzz run that emits nothing cannot pass as a success. */
    static final class CheckingSink implements ScanLineFramer.Sink {
        int lines;
        int dropped;

        @Override
        public void line(String text) {
            assertTrue(!text.isEmpty() && text.length() <= CAP, "line of " + text.length());
            text.chars().forEach(c -> assertTrue(c >= 0x20 && c <= 0x7e, "non-printable " + c));
            lines++;
        }

        @Override
        public void dropped(String reason) {
            dropped++;
        }
    }

    @Test
    void randomBytesInBothLayouts() {
        for (InputEventLayout layout : InputEventLayout.values()) {
            Random random = new Random(20240601L + layout.ordinal());
            CheckingSink sink = new CheckingSink();
            KeyEventDecoder decoder = new KeyEventDecoder(layout, new ScanLineFramer(CAP, sink));
            byte[] chunk = new byte[997];
            for (int round = 0; round < 2000; round++) {
                random.nextBytes(chunk);
                decoder.feed(chunk, 0, random.nextInt(chunk.length + 1));
            }
        }
    }

    @Test
    void randomKeyEventsSplitAtRandom() {
        for (InputEventLayout layout : InputEventLayout.values()) {
            Random random = new Random(77L + layout.ordinal());
            CheckingSink sink = new CheckingSink();
            KeyEventDecoder decoder = new KeyEventDecoder(layout, new ScanLineFramer(CAP, sink));
            ByteBuffer events = ByteBuffer.allocate(layout.eventSize() * 200_000).order(ByteOrder.LITTLE_ENDIAN);
            while (events.remaining() >= layout.eventSize()) {
                events.put(new byte[layout.typeOffset()]);
                int pick = random.nextInt(100);
                int type = pick < 85 ? InputEvents.EV_KEY : pick < 95 ? InputEvents.EV_SYN : random.nextInt(0x20);
                int code = pick < 10 ? InputEvents.ENTER : pick < 20 ? InputEvents.LEFTSHIFT
                        : pick < 80 ? random.nextInt(100) : random.nextInt(0x10000);
                int value = pick < 90 ? random.nextInt(3) : random.nextInt();
                events.putShort((short) type).putShort((short) code).putInt(value);
            }
            byte[] bytes = events.array();
            for (int at = 0; at < bytes.length; ) {
                int length = Math.min(bytes.length - at, random.nextInt(300));
                decoder.feed(bytes, at, length);
                at += length;
            }
            assertTrue(sink.lines > 1000, layout + ": only " + sink.lines + " lines came through");
            assertTrue(sink.dropped > 100, layout + ": only " + sink.dropped + " lines were dropped");
        }
    }
}
