// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A page as a thermal printer puts it on paper, in its dots: 384 across for 58 mm paper (32 characters of 12 dots),
 * 576 for 80 mm (48). Characters are 12×24 dots, doubled for large text; a QR code is its module matrix, each
 * module the size the page asked, centred, with the four-module quiet zone the standard asks for.
 */
public final class PageRenderer {
    private static final int CHAR_WIDTH = 12;
    /** Font B, the narrow one. */
    private static final int SMALL_CHAR_WIDTH = 9;
    private static final int LINE_HEIGHT = 24;
    private static final int QUIET_ZONE_MODULES = 4;

    private PageRenderer() {
    }

    public static byte[] png(EscPosDecoder.Page page, int columns) {
        int width = columns * CHAR_WIDTH;
        int height = LINE_HEIGHT;
        for (EscPosDecoder.Mark mark : page.marks()) {
            height += mark instanceof EscPosDecoder.Text text ? (text.large() ? 2 : 1) * LINE_HEIGHT
                    : matrixSide((EscPosDecoder.Qr) mark) + LINE_HEIGHT / 2;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            int y = LINE_HEIGHT / 2;
            for (EscPosDecoder.Mark mark : page.marks()) {
                if (mark instanceof EscPosDecoder.Text text) {
                    y += drawText(g, text, width, y);
                } else {
                    y += drawQr(g, (EscPosDecoder.Qr) mark, width, y) + LINE_HEIGHT / 2;
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static int drawText(Graphics2D g, EscPosDecoder.Text text, int width, int top) {
        int scale = text.large() ? 2 : 1;
        int charWidth = text.small() ? SMALL_CHAR_WIDTH : CHAR_WIDTH * scale;
        int textWidth = text.text().length() * charWidth;
        int left = switch (text.align()) {
            case 1 -> (width - textWidth) / 2;
            case 2 -> width - textWidth;
            default -> 0;
        };
        g.setFont(new Font(Font.MONOSPACED, text.bold() ? Font.BOLD : Font.PLAIN, text.small() ? 15 : 20 * scale));
        int baseline = top + LINE_HEIGHT * scale - 5 * scale;
        // One character per cell, as the printer's fixed font: the page's columns line up whatever font Java has.
        for (int i = 0; i < text.text().length(); i++) {
            g.drawString(String.valueOf(text.text().charAt(i)), left + i * charWidth, baseline);
        }
        return LINE_HEIGHT * scale;
    }

    private static int drawQr(Graphics2D g, EscPosDecoder.Qr qr, int width, int top) {
        ByteMatrix matrix = matrix(qr.data());
        int module = qr.moduleDots();
        int side = matrixSide(qr);
        int left = (width - side) / 2;
        int offset = QUIET_ZONE_MODULES * module;
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y) == 1) {
                    g.fillRect(left + offset + x * module, top + offset + y * module, module, module);
                }
            }
        }
        return side;
    }

    private static int matrixSide(EscPosDecoder.Qr qr) {
        return (matrix(qr.data()).getWidth() + 2 * QUIET_ZONE_MODULES) * qr.moduleDots();
    }

    /** The symbol a model-2 printer makes of the data at level M, the level the terminal asks for. */
    private static ByteMatrix matrix(String data) {
        try {
            return Encoder.encode(data, ErrorCorrectionLevel.M, Map.of(EncodeHintType.CHARACTER_SET, "UTF-8"))
                    .getMatrix();
        } catch (WriterException e) {
            throw new IllegalArgumentException("no QR code holds this data", e);
        }
    }
}
