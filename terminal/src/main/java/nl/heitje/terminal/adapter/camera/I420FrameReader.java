// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Logger;

/**
 * Cuts a raw I420 (YUV 4:2:0 planar) stream into frames, as {@code rpicam-vid --codec yuv420 -o -} writes it: no
 * headers, each frame the Y plane ({@code width × height} bytes) followed by the U and V planes at half resolution.
 * The luminance a QR decoder needs is the first {@code width × height} bytes of each frame.
 */
public final class I420FrameReader {
    private static final Logger LOG = Logger.getLogger(I420FrameReader.class.getName());

    private final InputStream stream;
    private final byte[] frame;

    public I420FrameReader(InputStream stream, int width, int height) {
        this.stream = stream;
        this.frame = new byte[frameSize(width, height)];
    }

    public static int frameSize(int width, int height) {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0 || (long) width * height > 16_000_000) {
            throw new IllegalArgumentException("camera frame must have even sides and at most 16 megapixels: "
                    + width + "x" + height);
        }
        return width * height * 3 / 2;
    }

    /** Reads the next whole frame; false at the end of the stream (a frame cut short there is dropped). */
    public boolean next() throws IOException {
        int filled = 0;
        while (filled < frame.length) {
            int read = stream.read(frame, filled, frame.length - filled);
            if (read < 0) {
                if (filled > 0) {
                    int got = filled;
                    LOG.warning(() -> "camera stream ended in a frame (" + got + " of " + frame.length
                            + " bytes); frame dropped");
                }
                return false;
            }
            filled += read;
        }
        return true;
    }

    /** The frame last read; the same array is filled again by the next {@link #next()}. */
    public byte[] frame() {
        return frame;
    }
}
