// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * A one-page PDF showing one greyscale image over the whole page: all a printed sticker needs, in a hundred lines
 * instead of a PDF library. The image goes in losslessly (Flate, the JDK's {@link Deflater}), so the QR code's
 * edges stay as sharp as in the PNG. The layout follows ISO 32000-1: header, numbered objects, a cross-reference
 * table of their byte offsets, trailer.
 */
final class SinglePagePdf {
    private static final double POINTS_PER_INCH = 72;

    private SinglePagePdf() {
    }

    /**
     * @param image         an 8-bit greyscale image ({@link BufferedImage#TYPE_BYTE_GRAY})
     * @param dotsPerInch   the print resolution: it sets the page size, so the page is exactly the image
     */
    static byte[] of(BufferedImage image, double dotsPerInch) {
        if (image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            throw new IllegalArgumentException("the image must be 8-bit greyscale");
        }
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] pixels = new byte[width * height];
        image.getRaster().getDataElements(0, 0, width, height, pixels);
        byte[] compressed = deflate(pixels);
        String pageWidth = points(width / dotsPerInch * POINTS_PER_INCH);
        String pageHeight = points(height / dotsPerInch * POINTS_PER_INCH);
        byte[] drawing = ("q " + pageWidth + " 0 0 " + pageHeight + " 0 0 cm /Sticker Do Q\n")
                .getBytes(StandardCharsets.US_ASCII);

        Writer pdf = new Writer();
        pdf.text("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        pdf.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        pdf.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + pageWidth + " " + pageHeight + "]"
                + " /Resources << /XObject << /Sticker 4 0 R >> >> /Contents 5 0 R >>");
        pdf.stream(4, "<< /Type /XObject /Subtype /Image /Width " + width + " /Height " + height
                + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length " + compressed.length
                + " >>", compressed);
        pdf.stream(5, "<< /Length " + drawing.length + " >>", drawing);
        return pdf.finish(1);
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 8 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static String points(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Appends objects and remembers where each starts, for the cross-reference table. */
    private static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Integer> offsets = new ArrayList<>();

        void text(String text) {
            bytes.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        void object(int number, String dictionary) {
            begin(number);
            text(dictionary + "\nendobj\n");
        }

        void stream(int number, String dictionary, byte[] content) {
            begin(number);
            text(dictionary + "\nstream\n");
            bytes.writeBytes(content);
            text("\nendstream\nendobj\n");
        }

        private void begin(int number) {
            if (number != offsets.size() + 1) {
                throw new IllegalStateException("objects are numbered in order");
            }
            offsets.add(bytes.size());
            text(number + " 0 obj\n");
        }

        byte[] finish(int root) {
            int xref = bytes.size();
            StringBuilder table = new StringBuilder("xref\n0 " + (offsets.size() + 1) + "\n0000000000 65535 f \n");
            for (int offset : offsets) {
                table.append(String.format(Locale.ROOT, "%010d 00000 n \n", offset));
            }
            table.append("trailer\n<< /Size ").append(offsets.size() + 1).append(" /Root ").append(root)
                    .append(" 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
            text(table.toString());
            return bytes.toByteArray();
        }
    }
}
