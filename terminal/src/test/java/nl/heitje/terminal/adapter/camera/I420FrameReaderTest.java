// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class I420FrameReaderTest {

    /** A stream that hands out its bytes in random small pieces, as a pipe does. */
    private static InputStream trickling(byte[] bytes, Random random) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                return super.read(buffer, offset, Math.min(length, 1 + random.nextInt(5000)));
            }
        };
    }

    @Test
    void cutsTheStreamIntoWholeFramesAndDropsAShortLastOne() throws Exception {
        int size = I420FrameReader.frameSize(64, 48);
        assertEquals(64 * 48 * 3 / 2, size);
        byte[] stream = new byte[size * 2 + size / 3];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (byte) (i / size + 1);
        }
        I420FrameReader reader = new I420FrameReader(trickling(stream, new Random(1)), 64, 48);
        assertTrue(reader.next());
        assertArrayEquals(Arrays.copyOfRange(stream, 0, size), reader.frame());
        assertTrue(reader.next());
        assertArrayEquals(Arrays.copyOfRange(stream, size, 2 * size), reader.frame());
        assertFalse(reader.next());
    }

    @Test
    void refusesSidesThatNoI420FrameHas() {
        assertThrows(IllegalArgumentException.class, () -> I420FrameReader.frameSize(641, 480));
        assertThrows(IllegalArgumentException.class, () -> I420FrameReader.frameSize(0, 480));
        assertThrows(IllegalArgumentException.class, () -> I420FrameReader.frameSize(100_000, 100_000));
    }

    @Test
    void fuzzedStreamsOfAnyLengthNeverThrowAndYieldOnlyWholeFrames() throws Exception {
        Random random = new Random(99);
        int size = I420FrameReader.frameSize(32, 16);
        for (int round = 0; round < 500; round++) {
            byte[] stream = new byte[random.nextInt(size * 6)];
            random.nextBytes(stream);
            I420FrameReader reader = new I420FrameReader(trickling(stream, random), 32, 16);
            int frames = 0;
            while (reader.next()) {
                assertArrayEquals(Arrays.copyOfRange(stream, frames * size, (frames + 1) * size), reader.frame());
                frames++;
            }
            assertEquals(stream.length / size, frames);
        }
    }
}
