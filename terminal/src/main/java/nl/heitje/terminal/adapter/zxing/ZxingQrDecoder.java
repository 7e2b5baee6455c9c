// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.zxing;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Finds and decodes a QR code in a picture: a camera frame (NV21 luminance plane) or an encoded image (PNG,
 * JPEG). Camera and simulator go through the same {@link #decode(LuminanceSource)}, so what the simulator
 * accepts is what a camera would.
 */
public final class ZxingQrDecoder {
    private static final Map<DecodeHintType, Object> HINTS = Map.of(
            DecodeHintType.POSSIBLE_FORMATS, java.util.List.of(BarcodeFormat.QR_CODE),
            DecodeHintType.CHARACTER_SET, "UTF-8");
    private static final Map<DecodeHintType, Object> PURE = Map.of(
            DecodeHintType.POSSIBLE_FORMATS, java.util.List.of(BarcodeFormat.QR_CODE),
            DecodeHintType.CHARACTER_SET, "UTF-8",
            DecodeHintType.PURE_BARCODE, Boolean.TRUE);

    /**
     * A camera frame: the Y plane of NV21/YUV420 is the luminance ZXing needs. Only the finder-pattern search: a
     * camera never sees a "pure" barcode, and the second pass would double the cost of a frame without a code,
     * which is what a camera sees nearly all the time.
     */
    public Optional<String> decodeFrame(byte[] yuv, int width, int height) {
        return decode(new PlanarYUVLuminanceSource(yuv, width, height, 0, 0, width, height, false), HINTS);
    }

    /**
     * A PNG or JPEG photo or screenshot; empty when it is not an image or holds no readable QR code. A large photo
     * is read subsampled to at most {@value #MAX_SIDE} pixels a side: a 12-megapixel phone picture would need
     * 48 MB of heap at full size, and a QR code big enough to photograph survives the reduction.
     */
    public Optional<String> decodeImage(byte[] encodedImage) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encodedImage))) {
            Iterator<ImageReader> readers = input == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int step = Math.max(1, (int) Math.ceil(Math.max(reader.getWidth(0), reader.getHeight(0)) / (double) MAX_SIDE));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage image = reader.read(0, param);
                return decode(new BufferedImageLuminanceSource(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException notAnImage) {
            return Optional.empty();
        }
    }

    private static final int MAX_SIDE = 1600;

    /**
     * About one rendering in twenty of a payment code defeats ZXing's finder-pattern search though the image is
     * perfect (a screenshot, a generated PNG). For those, the code is read again as a "pure" barcode: upright,
     * unskewed, with a quiet zone around it, which is exactly what such an image is.
     */
    public Optional<String> decode(LuminanceSource luminance) {
        return decode(luminance, HINTS).or(() -> decode(luminance, PURE));
    }

    private static Optional<String> decode(LuminanceSource luminance, Map<DecodeHintType, Object> hints) {
        try {
            return Optional.of(new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(luminance)), hints).getText());
        } catch (NotFoundException noCode) {
            return Optional.empty();
        } catch (ReaderException | RuntimeException unreadable) {
            // Checksum and format errors, and ZXing's occasional runtime exceptions on hostile images.
            return Optional.empty();
        }
    }
}
