// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import nl.heitje.config.TerminalConfigDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StickerTest {
    private static final String MERCHANT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final String TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String REQUEST = "ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31337/transfer"
            + "?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    @TempDir
    Path dir;

    private Path config() {
        Path config = dir.resolve("terminal.properties");
        new TerminalConfigDraft()
                .merchant(MERCHANT)
                .token("HEIT", 31337, TOKEN, "Heerlens Heitje", "1", 2)
                .chain("http://127.0.0.1:8545", null)
                .settlementKey(BigInteger.valueOf(12345))
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dir.resolve("journal.db"))
                .write(config, "StickerTest");
        return config;
    }

    private int provision(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void thePaymentRequestIsEip681TransferOfTheTokenToTheMerchant() {
        assertEquals(REQUEST, Sticker.paymentRequest(TOKEN, 31337, MERCHANT));
    }

    @Test
    void thePngCarriesTheRequestAsAQrCodeThatScans() throws Exception {
        StringWriter out = new StringWriter();
        Path stickers = dir.resolve("stickers");
        assertEquals(0, provision(out, "sticker", "--config", config().toString(), "--out", stickers.toString(),
                "--merchant-name", "Bakkerij De Heitje"), out.toString());
        assertTrue(out.toString().contains("payment request: " + REQUEST), out.toString());

        BufferedImage png = ImageIO.read(stickers.resolve("sticker.png").toFile());
        assertEquals(Sticker.WIDTH, png.getWidth());
        assertEquals(Sticker.HEIGHT, png.getHeight());
        assertEquals(REQUEST, decode(png));
    }

    @Test
    void thePdfIsOnePageShowingTheSameImageWhoseQrCodeScans() throws Exception {
        StringWriter out = new StringWriter();
        Path stickers = dir.resolve("stickers");
        assertEquals(0, provision(out, "sticker", "--config", config().toString(), "--out", stickers.toString()),
                out.toString());

        byte[] pdf = Files.readAllBytes(stickers.resolve("sticker.pdf"));
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("%PDF-1.4\n"), text.substring(0, 20));
        assertTrue(text.endsWith("%%EOF\n"));
        assertTrue(text.contains("/Type /Page /Parent 2 0 R /MediaBox [0 0 288.00 396.00]"), "4 x 5.5 inch page");
        Matcher image = Pattern.compile("/Subtype /Image /Width (\\d+) /Height (\\d+) /ColorSpace /DeviceGray"
                + " /BitsPerComponent 8 /Filter /FlateDecode /Length (\\d+) >>\nstream\n").matcher(text);
        assertTrue(image.find(), "an embedded greyscale image");
        int width = Integer.parseInt(image.group(1));
        int height = Integer.parseInt(image.group(2));
        int length = Integer.parseInt(image.group(3));
        assertEquals("\nendstream", text.substring(image.end() + length, image.end() + length + 10));

        Inflater inflater = new Inflater();
        inflater.setInput(pdf, image.end(), length);
        byte[] pixels = new byte[width * height];
        int inflated = 0;
        while (inflated < pixels.length && !inflater.finished()) {
            inflated += inflater.inflate(pixels, inflated, pixels.length - inflated);
        }
        inflater.end();
        assertEquals(pixels.length, inflated);
        BufferedImage embedded = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        embedded.getRaster().setDataElements(0, 0, width, height, pixels);
        assertEquals(REQUEST, decode(embedded));

        // The same pixels as the PNG: one drawing, two formats.
        BufferedImage png = ImageIO.read(stickers.resolve("sticker.png").toFile());
        byte[] pngPixels = new byte[width * height];
        png.getRaster().getDataElements(0, 0, width, height, pngPixels);
        assertArrayEquals(pngPixels, pixels);

        assertTrue(xrefOffsetsPointAtTheirObjects(text), "the cross-reference table names each object's offset");
    }

    @Test
    void withoutAMerchantNameTheAddressStandsInItsPlaceAndTheStickerStillScans() throws Exception {
        StringWriter out = new StringWriter();
        assertEquals(0, provision(out, "sticker", "--config", config().toString(), "--out", dir.toString()),
                out.toString());
        assertEquals(REQUEST, decode(ImageIO.read(dir.resolve("sticker.png").toFile())));
    }

    @Test
    void aTokenTheConfigDoesNotHaveIsRefusedInOneLine() {
        StringWriter out = new StringWriter();
        assertEquals(1, provision(out, "sticker", "--config", config().toString(), "--out", dir.toString(),
                "--token", "EURO"));
        assertEquals("provision: the config has no token EURO", out.toString().strip());
        assertTrue(!Files.exists(dir.resolve("sticker.png")));
    }

    @Test
    void aLinkWhereTheStickerGoesIsReplacedNotWrittenThrough() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "untouched");
        Path stickers = Files.createDirectories(dir.resolve("stickers"));
        Files.createSymbolicLink(stickers.resolve("sticker.png"), elsewhere);
        StringWriter out = new StringWriter();
        assertEquals(0, provision(out, "sticker", "--config", config().toString(), "--out", stickers.toString()),
                out.toString());
        assertEquals("untouched", Files.readString(elsewhere));
        assertTrue(!Files.isSymbolicLink(stickers.resolve("sticker.png")));
    }

    private static boolean xrefOffsetsPointAtTheirObjects(String pdf) {
        int xref = Integer.parseInt(pdf.substring(pdf.lastIndexOf("startxref\n") + 10, pdf.lastIndexOf("\n%%EOF")));
        String[] lines = pdf.substring(xref).split("\n");
        int count = Integer.parseInt(lines[1].split(" ")[1]);
        for (int object = 1; object < count; object++) {
            int offset = Integer.parseInt(lines[2 + object].substring(0, 10));
            if (!pdf.startsWith(object + " 0 obj\n", offset)) {
                return false;
            }
        }
        return count == 6;
    }

    private static String decode(BufferedImage image) throws Exception {
        return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText();
    }
}
