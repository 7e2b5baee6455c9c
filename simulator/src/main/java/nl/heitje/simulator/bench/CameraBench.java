// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import nl.heitje.simulator.devices.CameraReplay;
import nl.heitje.terminal.adapter.camera.I420FrameReader;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.codec.Base45;

/**
 * QR decoding per 640×480 camera frame, as the camera adapter does it (whole I420 frames cut from a stream, the
 * Y plane to {@link ZxingQrDecoder#decodeFrame}), clean and worn, against the baseline of cutting the frames and
 * building ZXing's luminance source alone.
 */
final class CameraBench {
    static final String HEADING = "## QR decode per camera frame";
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    /** Distinct payment codes per scene, so that no one lucky rendering decides a row. */
    private static final int CODES = 8;
    private static final int WARMUP_FRAMES = 200;
    private static final int TIMED_FRAMES = 800;

    record Row(String scene, double framesPerSecond, double readShare) {
    }

    private CameraBench() {
    }

    static List<Row> run() throws IOException {
        Random random = new Random(2024);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < CODES; i++) {
            byte[] payload = new byte[215]; // a payment code's size: the QR version a real one needs
            random.nextBytes(payload);
            codes.add("HTJ1:" + Base45.encode(payload));
        }
        Map<String, UnaryOperator<BufferedImage>> scenes = new LinkedHashMap<>();
        scenes.put("clean: code 300 px, upright", UnaryOperator.identity());
        scenes.put("rotated 15°", picture -> rotated(picture, 15));
        scenes.put("blurred (5×5 box)", picture -> blurred(picture, 5));
        scenes.put("noisy (±40 grey levels)", picture -> noisy(picture, 40, random));
        scenes.put("low contrast (grey 100..160)", CameraBench::lowContrast);
        scenes.put("worn: rotated 10°, 3×3 blur, ±15 noise, grey 100..160",
                picture -> noisy(blurred(lowContrast(rotated(picture, 10)), 3), 15, random));

        ZxingQrDecoder zxing = new ZxingQrDecoder();
        Map<String, List<byte[]>> frames = new LinkedHashMap<>();
        frames.put("no code in view (grey scene with ±40 noise)", List.of(emptyScene(random)));
        scenes.forEach((name, wear) -> frames.put(name, frames(codes, wear)));
        // Every scene warmed before any is timed, so the first timed row does not pay for the JIT.
        for (List<byte[]> scene : frames.values()) {
            decodeAll(scene, null, zxing, WARMUP_FRAMES);
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("baseline: frames cut from the stream + luminance source built, no decode",
                baseline(frames.get("clean: code 300 px, upright")), Double.NaN));
        for (Map.Entry<String, List<byte[]>> scene : frames.entrySet()) {
            rows.add(measure(scene.getKey(), scene.getValue(), scene.getKey().startsWith("no code") ? null : codes,
                    zxing));
        }
        return rows;
    }

    private static List<byte[]> frames(List<String> codes, UnaryOperator<BufferedImage> wear) {
        List<byte[]> frames = new ArrayList<>();
        for (String code : codes) {
            try {
                BufferedImage qr = MatrixToImageWriter.toBufferedImage(new QRCodeWriter().encode(code,
                        BarcodeFormat.QR_CODE, 300, 300, Map.of(EncodeHintType.MARGIN, 2)));
                BufferedImage scene = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = scene.createGraphics();
                g.setColor(new Color(150, 140, 130));
                g.fillRect(0, 0, WIDTH, HEIGHT);
                g.drawImage(qr, (WIDTH - qr.getWidth()) / 2, (HEIGHT - qr.getHeight()) / 2, null);
                g.dispose();
                frames.add(CameraReplay.toI420(wear.apply(scene), WIDTH, HEIGHT));
            } catch (com.google.zxing.WriterException e) {
                throw new IllegalStateException(e);
            }
        }
        return frames;
    }

    private static byte[] emptyScene(Random random) {
        BufferedImage scene = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scene.createGraphics();
        g.setColor(new Color(140, 140, 140));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.dispose();
        return CameraReplay.toI420(noisy(scene, 40, random), WIDTH, HEIGHT);
    }

    private static double baseline(List<byte[]> frames) throws IOException {
        long checksum = 0;
        for (int round = 0; round < 2; round++) {
            int timed = round == 0 ? WARMUP_FRAMES : TIMED_FRAMES * 10;
            I420FrameReader reader = new I420FrameReader(cycling(frames, timed), WIDTH, HEIGHT);
            long start = System.nanoTime();
            int n = 0;
            while (reader.next()) {
                PlanarYUVLuminanceSource luminance = new PlanarYUVLuminanceSource(reader.frame(), WIDTH, HEIGHT, 0, 0,
                        WIDTH, HEIGHT, false);
                checksum += luminance.getRow(HEIGHT / 2, null)[WIDTH / 2];
                n++;
            }
            if (round == 1) {
                double framesPerSecond = n / ((System.nanoTime() - start) / 1e9);
                // Using the checksum keeps the luminance work from being optimised away.
                return checksum == Long.MIN_VALUE ? 0 : framesPerSecond;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static Row measure(String scene, List<byte[]> frames, List<String> codes, ZxingQrDecoder zxing)
            throws IOException {
        long start = System.nanoTime();
        int read = decodeAll(frames, codes, zxing, TIMED_FRAMES);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Row(scene, TIMED_FRAMES / seconds, codes == null ? Double.NaN : read / (double) TIMED_FRAMES);
    }

    /** Decodes {@code count} frames cycled from {@code frames}; answers how many gave their own code. */
    private static int decodeAll(List<byte[]> frames, List<String> codes, ZxingQrDecoder zxing, int count)
            throws IOException {
        I420FrameReader reader = new I420FrameReader(cycling(frames, count), WIDTH, HEIGHT);
        int read = 0;
        for (int i = 0; reader.next(); i++) {
            Optional<String> text = zxing.decodeFrame(reader.frame(), WIDTH, HEIGHT);
            if (codes != null && text.isPresent() && text.get().equals(codes.get(i % codes.size()))) {
                read++;
            }
        }
        return read;
    }

    /** A stream of {@code count} frames, cycling through {@code frames}, without holding them all in memory. */
    private static java.io.InputStream cycling(List<byte[]> frames, int count) {
        return new java.io.InputStream() {
            private int frame;
            private int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (frame == count) {
                    return -1;
                }
                byte[] current = frames.get(frame % frames.size());
                int n = Math.min(length, current.length - position);
                System.arraycopy(current, position, buffer, offset, n);
                position += n;
                if (position == current.length) {
                    position = 0;
                    frame++;
                }
                return n;
            }
        };
    }

    private static BufferedImage rotated(BufferedImage picture, double degrees) {
        BufferedImage out = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(150, 140, 130));
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.rotate(Math.toRadians(degrees), picture.getWidth() / 2.0, picture.getHeight() / 2.0);
        g.drawImage(picture, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage blurred(BufferedImage picture, int side) {
        float[] box = new float[side * side];
        java.util.Arrays.fill(box, 1f / box.length);
        return new ConvolveOp(new Kernel(side, side, box), ConvolveOp.EDGE_NO_OP, null).filter(picture, null);
    }

    private static BufferedImage noisy(BufferedImage picture, int amplitude, Random random) {
        BufferedImage out = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int grey = (picture.getRGB(x, y) & 0xff) + random.nextInt(2 * amplitude + 1) - amplitude;
                grey = Math.max(0, Math.min(255, grey));
                out.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        return out;
    }

    private static BufferedImage lowContrast(BufferedImage picture) {
        BufferedImage out = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int grey = 100 + (picture.getRGB(x, y) & 0xff) * 60 / 255;
                out.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        return out;
    }

    static String render(List<Row> rows, boolean alone) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append(" (").append(WIDTH).append("×").append(HEIGHT).append(" I420, ZXing)\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("camera"));
        }
        md.append("Each row: ").append(TIMED_FRAMES).append(" frames (every scene warmed with ").append(WARMUP_FRAMES)
                .append(" first), cycling through ").append(CODES).append(" random 215-byte payment codes (a ")
                .append("300 px code in the frame), cut from one stream by the camera adapter's `I420FrameReader` and ")
                .append("decoded by `ZxingQrDecoder.decodeFrame`, on one thread.\n\n");
        md.append("| scene | frames/s | ms/frame | codes read | ratio to baseline |\n|---|---|---|---|---|\n");
        double baseline = rows.get(0).framesPerSecond();
        for (Row row : rows) {
            md.append(String.format("| %s | %.0f | %.2f | %s | %s |%n", row.scene(), row.framesPerSecond(),
                    1000 / row.framesPerSecond(),
                    Double.isNaN(row.readShare()) ? "" : String.format("%.0f%%", row.readShare() * 100),
                    row == rows.get(0) ? "1" : String.format("%.4f", row.framesPerSecond() / baseline)));
        }
        md.append("\nTarget: at least 200 frames/s for a 640×480 frame.\n");
        return md.toString();
    }
}
