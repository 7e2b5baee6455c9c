// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provision sticker}: the sticker for the counter, a payment-request QR code (EIP-681) that any wallet can
 * scan to pay this merchant in the token, with the merchant's name and address under it, as PNG and as a
 * ready-to-print PDF.
 */
@Command(name = "sticker", mixinStandardHelpOptions = true,
        description = "Writes the counter sticker (EIP-681 payment QR, merchant name and address) as PNG and PDF.")
public final class Sticker implements Callable<Integer> {
    static final int WIDTH = 800;
    static final int HEIGHT = 1100;
    /** 800 × 1100 px at 200 dpi: a 4 × 5.5 inch (10.2 × 14 cm) sticker, sharp on any office printer. */
    static final double DOTS_PER_INCH = 200;
    static final String PNG_FILE = "sticker.png";
    static final String PDF_FILE = "sticker.pdf";
    private static final int SIDE_MARGIN = 40;

    @Option(names = "--config", required = true, description = "The terminal's terminal.properties.")
    Path config;
    @Option(names = "--out", required = true, description = "The directory to write sticker.png and sticker.pdf to.")
    Path outDirectory;
    @Option(names = "--merchant-name", description = "The shop's name as customers know it; without it the sticker"
            + " shows the merchant's address in its place.")
    String merchantName;
    @Option(names = "--token", description = "The token symbol to ask payment in (default: the first token).")
    String tokenSymbol;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // Drawn in memory on a device without a screen: Java2D must not look for a display.
        System.setProperty("java.awt.headless", "true");
        TerminalConfig terminal;
        try {
            terminal = TerminalConfig.load(config);
        } catch (ConfigException | IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        TerminalConfig.TokenSettings token = terminal.primaryToken();
        if (tokenSymbol != null) {
            token = terminal.tokens().stream().filter(t -> t.symbol().equals(tokenSymbol)).findFirst().orElse(null);
            if (token == null) {
                return fail("the config has no token " + tokenSymbol);
            }
        }
        String merchant = Keys.toChecksumAddress(terminal.merchant().address());
        String request = paymentRequest(token.contract(), token.chainId(), merchant);
        String name = merchantName == null || merchantName.isBlank() ? merchant : merchantName.strip();
        BufferedImage sticker;
        try {
            sticker = draw(request, name, merchant, token);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // Java2D fails this way, deep inside, on a system without fonts.
            return fail("cannot draw the sticker's text (" + e.getClass().getSimpleName() + "): is a font installed?"
                    + " apt install fonts-dejavu-core");
        }

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(sticker, "png", png)) {
            return fail("this Java has no PNG writer");
        }
        try {
            Files.createDirectories(outDirectory);
        } catch (IOException e) {
            return fail("cannot create the directory " + outDirectory);
        }
        Path pngFile = outDirectory.resolve(PNG_FILE);
        Path pdfFile = outDirectory.resolve(PDF_FILE);
        try {
            AtomicFiles.replace(pngFile, png.toByteArray());
            AtomicFiles.replace(pdfFile, SinglePagePdf.of(sticker, DOTS_PER_INCH));
        } catch (IOException e) {
            return fail("cannot write the sticker to " + outDirectory + " (" + e.getClass().getSimpleName() + ")");
        }
        var out = spec.commandLine().getOut();
        out.println("payment request: " + request);
        out.println("sticker written: " + pngFile);
        out.println("sticker written: " + pdfFile + " (print at 100%: 10.2 x 14 cm)");
        out.flush();
        return 0;
    }

    /**
     * An EIP-681 request to call {@code transfer(address,uint256)} on the token for the merchant; the amount is
     * left out, so the customer's wallet asks for it. Form: {@code ethereum:<token>@<chainId>/transfer?address=<to>}.
     */
    static String paymentRequest(String tokenContract, long chainId, String merchant) {
        return "ethereum:" + Keys.toChecksumAddress(tokenContract) + "@" + chainId + "/transfer?address="
                + Keys.toChecksumAddress(merchant);
    }

    static BufferedImage draw(String request, String name, String address, TerminalConfig.TokenSettings token) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            centred(g, "Pay with " + token.symbol(), new Font(Font.SANS_SERIF, Font.BOLD, 64), 100);
            drawQr(g, request, 130, 690);
            centred(g, name, new Font(Font.SANS_SERIF, Font.BOLD, 56), 910);
            centred(g, address, new Font(Font.MONOSPACED, Font.PLAIN, 26), 970);
            centred(g, "Scan with your wallet · " + token.eip712Name() + " · chain " + token.chainId(),
                    new Font(Font.SANS_SERIF, Font.PLAIN, 26), 1050);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The QR code in whole pixels per module (no blurred edges) inside a square of {@code side}, centred. */
    private static void drawQr(Graphics2D g, String text, int top, int side) {
        BitMatrix modules;
        try {
            modules = new QRCodeWriter().encode(text, com.google.zxing.BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
        } catch (WriterException e) {
            throw new IllegalStateException("a payment request too long for a QR code: " + text, e);
        }
        int scale = side / modules.getWidth();
        int size = scale * modules.getWidth();
        int left = (WIDTH - size) / 2;
        int y0 = top + (side - size) / 2;
        for (int y = 0; y < modules.getHeight(); y++) {
            for (int x = 0; x < modules.getWidth(); x++) {
                if (modules.get(x, y)) {
                    g.fillRect(left + x * scale, y0 + y * scale, scale, scale);
                }
            }
        }
    }

    /** One line centred on the sticker, made smaller until it fits between the margins. */
    private static void centred(Graphics2D g, String text, Font font, int baseline) {
        Font fitting = font;
        FontMetrics metrics = g.getFontMetrics(fitting);
        while (metrics.stringWidth(text) > WIDTH - 2 * SIDE_MARGIN && fitting.getSize() > 12) {
            fitting = fitting.deriveFont((float) fitting.getSize() - 2);
            metrics = g.getFontMetrics(fitting);
        }
        g.setFont(fitting);
        g.drawString(text, (WIDTH - metrics.stringWidth(text)) / 2, baseline);
    }

    private int fail(String problem) {
        spec.commandLine().getErr().println("provision: " + problem);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
