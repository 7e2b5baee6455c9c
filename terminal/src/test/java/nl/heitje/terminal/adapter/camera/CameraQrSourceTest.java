// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.support.Eventually;
import nl.heitje.terminal.port.ScanResult;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraQrSourceTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final String CODE = PaymentQrCodec.encode(
            Authorizations.builder(Fixtures.HEIT, Authorizations.key("camera")).build());
    private final ZxingQrDecoder zxing = new ZxingQrDecoder();
    private final List<String> scanned = new CopyOnWriteArrayList<>();

    private ScanResult record(String text) {
        scanned.add(text);
        return ScanResult.noPaymentWaiting();
    }

    @Test
    void aPaymentCodeInA640x480FrameDecodes() throws Exception {
        byte[] frame = I420Frames.withCode(CODE, WIDTH, HEIGHT, 400);
        assertEquals(Optional.of(CODE), zxing.decodeFrame(frame, WIDTH, HEIGHT));
        assertEquals(Optional.empty(), zxing.decodeFrame(I420Frames.blank(WIDTH, HEIGHT), WIDTH, HEIGHT));
    }

    @Test
    void aCodeInConsecutiveFramesCountsOnceAndAgainAfterItLeftTheView() throws Exception {
        byte[] code = I420Frames.withCode(CODE, WIDTH, HEIGHT, 400);
        byte[] other = I420Frames.withCode("HTJ1:OTHER", WIDTH, HEIGHT, 300);
        byte[] blank = I420Frames.blank(WIDTH, HEIGHT);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] frame : List.of(code, code, code, blank, code, code, other, code)) {
            stream.writeBytes(frame);
        }
        stream.write(code, 0, 1000); // cut short when the stream ended: dropped
        AtomicInteger opened = new AtomicInteger();
        CameraQrSource camera = new CameraQrSource("test camera", () -> {
            if (opened.getAndIncrement() > 0) {
                throw new IOException("camera gone");
            }
            return new ByteArrayInputStream(stream.toByteArray());
        }, WIDTH, HEIGHT, zxing::decodeFrame, Duration.ofMillis(5));
        camera.start(this::record);
        try {
            Eventually.await("the stream read to its end", () -> opened.get() >= 2);
            assertEquals(List.of(CODE, CODE, "HTJ1:OTHER", CODE), scanned);
        } finally {
            camera.close();
        }
    }

    @Test
    void readsTheStdoutOfACameraCommand(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("frames.yuv");
        Files.write(recording, I420Frames.withCode(CODE, WIDTH, HEIGHT, 400));
        CameraQrSource camera = CameraQrSource.ofCommand(List.of("cat", recording.toString()), WIDTH, HEIGHT,
                zxing::decodeFrame);
        camera.start(this::record);
        try {
            Eventually.await("the code from the command's output", () -> !scanned.isEmpty());
            assertEquals(CODE, scanned.get(0));
        } finally {
            camera.close();
        }
    }

    @Test
    void randomFramesNeverThrowAndFindNoCode() throws Exception {
        Random random = new Random(640480);
        byte[] stream = new byte[I420FrameReader.frameSize(WIDTH, HEIGHT) * 40 + 12345];
        random.nextBytes(stream);
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger decoded = new AtomicInteger();
        CameraQrSource camera = new CameraQrSource("fuzz camera", () -> {
            if (opened.getAndIncrement() > 0) {
                throw new IOException("camera gone");
            }
            return new ByteArrayInputStream(stream);
        }, WIDTH, HEIGHT, (frame, w, h) -> {
            decoded.incrementAndGet();
            return zxing.decodeFrame(frame, w, h);
        }, Duration.ofMillis(5));
        camera.start(this::record);
        try {
            Eventually.await("all random frames decoded", () -> opened.get() >= 2);
            assertEquals(40, decoded.get());
            assertTrue(scanned.isEmpty(), "a code in noise: " + scanned);
        } finally {
            camera.close();
        }
    }
}
