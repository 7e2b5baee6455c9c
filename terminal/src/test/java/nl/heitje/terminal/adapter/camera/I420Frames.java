// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import java.util.Arrays;
import java.util.Map;

/** Camera frames for tests: a QR code drawn straight into the Y plane, neutral chroma. */
final class I420Frames {
    private I420Frames() {
    }

    static byte[] blank(int width, int height) {
        byte[] frame = new byte[I420FrameReader.frameSize(width, height)];
        Arrays.fill(frame, 0, width * height, (byte) 180);
        Arrays.fill(frame, width * height, frame.length, (byte) 128);
        return frame;
    }

    static byte[] withCode(String text, int width, int height, int side) throws Exception {
        BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, side, side,
                Map.of(EncodeHintType.MARGIN, 2));
        byte[] frame = blank(width, height);
        int left = (width - matrix.getWidth()) / 2;
        int top = (height - matrix.getHeight()) / 2;
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                frame[(top + y) * width + left + x] = (byte) (matrix.get(x, y) ? 30 : 230);
            }
        }
        return frame;
    }
}
