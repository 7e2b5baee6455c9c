// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.zxing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;

class ZxingQrDecoderTest {
    private static final String CODE = PaymentQrCodec.encode(
            Authorizations.builder(Fixtures.HEIT, Authorizations.key("anna")).build());
    private final ZxingQrDecoder decoder = new ZxingQrDecoder();

    @Test
    void readsEveryCleanRenderingOfAPaymentCodeWhateverItsData() throws Exception {
        ZxingQrDecoder decoder = new ZxingQrDecoder();
        int unread = 0;
        for (int i = 0; i < 300; i++) {
            String code = PaymentQrCodec.encode(Authorizations.builder(Fixtures.HEIT, Authorizations.key("render"))
                    .nonce(Authorizations.nonce("render-" + i)).build());
            BufferedImage image = MatrixToImageWriter.toBufferedImage(
                    new QRCodeWriter().encode(code, BarcodeFormat.QR_CODE, 480, 480));
            if (!decoder.decodeImage(encoded(image, "png")).equals(Optional.of(code))) {
                unread++;
            }
        }
        // About one rendering in twenty defeats ZXing's finder-pattern search though the image is perfect.
        assertEquals(0, unread, "codes a screenshot shows perfectly must all be read");
    }

    private static BufferedImage qr(int size) throws Exception {
        return MatrixToImageWriter.toBufferedImage(new QRCodeWriter().encode(CODE, BarcodeFormat.QR_CODE, size, size));
    }

    private static byte[] encoded(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** A photo-sized picture: grey noise around a slightly rotated code (none if size 0), as a camera sees a screen. */
    private static BufferedImage photo(int width, int height, int codeSize) throws Exception {
        BufferedImage photo = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y += 4) {
            for (int x = 0; x < width; x += 4) {
                int grey = 120 + random.nextInt(60);
                photo.setRGB(x, y, new Color(grey, grey, grey).getRGB());
            }
        }
        if (codeSize == 0) {
            return photo;
        }
        Graphics2D g = photo.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect((width - codeSize) / 2 - 40, (height - codeSize) / 2 - 40, codeSize + 80, codeSize + 80);
        g.setTransform(AffineTransform.getRotateInstance(Math.toRadians(8), width / 2.0, height / 2.0));
        g.drawImage(qr(codeSize), (width - codeSize) / 2, (height - codeSize) / 2, null);
        g.dispose();
        return photo;
    }

    @Test
    void readsAPaymentCodeFromAPng() throws Exception {
        assertEquals(Optional.of(CODE), decoder.decodeImage(encoded(qr(400), "png")));
    }

    @Test
    void readsATwelveMegapixelJpegPhotoWithoutDecodingItAtFullSize() throws Exception {
        assertEquals(Optional.of(CODE), decoder.decodeImage(encoded(photo(4000, 3000, 1400), "jpeg")));
    }

    @Test
    void readsACameraFrameFromItsLuminancePlane() throws Exception {
        BufferedImage frame = photo(640, 480, 360);
        byte[] nv21 = new byte[640 * 480 * 3 / 2];
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                nv21[y * 640 + x] = (byte) (frame.getRGB(x, y) & 0xFF);
            }
        }
        assertEquals(Optional.of(CODE), decoder.decodeFrame(nv21, 640, 480));
    }

    @Test
    void findsNothingInAPictureWithoutACodeOrInBytesThatAreNoPicture() throws Exception {
        assertTrue(decoder.decodeImage(encoded(photo(800, 600, 0), "png")).isEmpty());
        assertTrue(decoder.decodeImage(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}).isEmpty());
        assertTrue(decoder.decodeImage(new byte[0]).isEmpty());
        byte[] truncated = encoded(qr(400), "png");
        assertTrue(decoder.decodeImage(java.util.Arrays.copyOf(truncated, truncated.length / 2)).isEmpty());
    }
}
