// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import nl.heitje.terminal.adapter.camera.CameraQrSource;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ScanResult;

/**
 * A camera the simulator holds pictures in front of: each picture becomes raw I420 frames streamed to the real
 * {@link CameraQrSource} with the real ZXing decoder, followed by an empty frame (the customer takes the phone away).
 */
public final class SimulatedCamera implements QrSource {
    private final int width;
    private final int height;
    private final ZxingQrDecoder zxing = new ZxingQrDecoder();
    private final DeliveredScans delivered = new DeliveredScans();
    private final AtomicLong framesDecoded = new AtomicLong();
    /** The frame after which a show that found no code says so; none while no show is waiting. */
    private final AtomicLong lastFrameOfShow = new AtomicLong(Long.MAX_VALUE);
    private volatile BytePipe pipe;
    private long framesWritten;
    private CameraQrSource adapter;

    public SimulatedCamera(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public synchronized void start(ScanHandler handler) {
        if (adapter != null) {
            throw new IllegalStateException("the simulated camera is already started");
        }
        pipe = new BytePipe();
        adapter = new CameraQrSource("simulated camera", () -> pipe, width, height, (frame, w, h) -> {
            try {
                return zxing.decodeFrame(frame, w, h);
            } finally {
                // The terminal answers a code before the next frame is decoded: an answer is always queued first.
                if (framesDecoded.incrementAndGet() == lastFrameOfShow.get()) {
                    delivered.dropped("no readable QR code in the picture");
                }
            }
        }, Duration.ofMillis(20));
        adapter.start(delivered.watching(handler));
    }

    /** {@link #show(BufferedImage, int, Duration)} for an encoded picture (PNG, JPEG). */
    public ScanResult show(byte[] encodedPicture, int frames, Duration deadline) throws ScanNotDeliveredException {
        BufferedImage picture;
        try {
            picture = ImageIO.read(new ByteArrayInputStream(encodedPicture));
        } catch (IOException e) {
            picture = null;
        }
        if (picture == null) {
            throw new IllegalArgumentException("not a picture the camera could be shown");
        }
        return show(picture, frames, deadline);
    }

    /**
     * Holds {@code picture} in view for {@code frames} frames, then takes it away, and answers what the terminal
     * made of the code the camera read; no code read in any frame is a {@link ScanNotDeliveredException}.
     */
    public synchronized ScanResult show(BufferedImage picture, int frames, Duration deadline)
            throws ScanNotDeliveredException {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1");
        }
        if (adapter == null) {
            throw new IllegalStateException("the terminal has not started the simulated camera");
        }
        byte[] frame = CameraReplay.toI420(picture, width, height);
        delivered.clear();
        // Counted in frames written, not decoded: the camera may still be reading the previous show.
        framesWritten += frames + 1;
        lastFrameOfShow.set(framesWritten);
        for (int i = 0; i < frames; i++) {
            pipe.write(frame);
        }
        pipe.write(CameraReplay.empty(width, height));
        try {
            return delivered.await("simulated camera", null, deadline);
        } finally {
            lastFrameOfShow.set(Long.MAX_VALUE);
        }
    }

    @Override
    public synchronized void close() {
        if (adapter != null) {
            adapter.close();
            adapter = null;
        }
        BytePipe current = pipe;
        if (current != null) {
            current.close();
        }
    }
}
