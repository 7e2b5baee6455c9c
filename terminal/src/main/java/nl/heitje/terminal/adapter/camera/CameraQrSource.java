// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.device.DeviceLoop;
import nl.heitje.terminal.port.QrSource;

/**
 * A camera that streams raw I420 frames: the stdout of a command ({@code rpicam-vid ... --codec yuv420 -o -}) or a
 * FIFO another process writes. Each frame's luminance goes to the {@link FrameDecoder}; a code seen in consecutive
 * frames counts once. Frames are decoded on the reading thread, and the terminal is asked there too: while a
 * payment is checked the camera waits (the pipe fills), so no stale frames pile up.
 */
public final class CameraQrSource implements QrSource {
    private static final Logger LOG = Logger.getLogger(CameraQrSource.class.getName());

    /** Finds a QR code in a frame whose first {@code width × height} bytes are its luminance. */
    @FunctionalInterface
    public interface FrameDecoder {
        Optional<String> decode(byte[] frame, int width, int height);
    }

    private final String name;
    private final DeviceLoop.Opener opener;
    private final int width;
    private final int height;
    private final FrameDecoder decoder;
    private final Duration firstRetry;
    private DeviceLoop loop;

    /** Runs {@code command} (restarted when it exits) and reads its stdout; its stderr goes to the service log. */
    public static CameraQrSource ofCommand(List<String> command, int width, int height, FrameDecoder decoder) {
        return new CameraQrSource("camera " + command.get(0), () -> commandOutput(command), width, height, decoder,
                Duration.ofSeconds(1));
    }

    /** Reads the FIFO (or file) at {@code fifo}, opened again whenever its writer closes it. */
    public static CameraQrSource ofFifo(Path fifo, int width, int height, FrameDecoder decoder) {
        // A FileChannel's stream, unlike FileInputStream, can be closed under a blocked read.
        return new CameraQrSource("camera " + fifo,
                () -> Channels.newInputStream(FileChannel.open(fifo, StandardOpenOption.READ)), width, height, decoder,
                Duration.ofSeconds(1));
    }

    public CameraQrSource(String name, DeviceLoop.Opener opener, int width, int height, FrameDecoder decoder,
                          Duration firstRetry) {
        I420FrameReader.frameSize(width, height);
        this.name = name;
        this.opener = opener;
        this.width = width;
        this.height = height;
        this.decoder = decoder;
        this.firstRetry = firstRetry;
    }

    @Override
    public synchronized void start(ScanHandler handler) {
        if (loop != null) {
            throw new IllegalStateException(name + " is already started");
        }
        loop = new DeviceLoop(name, opener, stream -> readFrames(stream, handler), firstRetry, Duration.ofSeconds(10));
        loop.start();
    }

    private void readFrames(InputStream stream, ScanHandler handler) throws IOException {
        I420FrameReader frames = new I420FrameReader(stream, width, height);
        ConsecutiveCodes sightings = new ConsecutiveCodes();
        while (frames.next()) {
            Optional<String> code = sightings.onFrame(decoder.decode(frames.frame(), width, height));
            if (code.isPresent()) {
                try {
                    handler.onScan(code.get());
                } catch (RuntimeException failure) {
                    LOG.log(Level.SEVERE, name + ": the terminal failed on a scanned code", failure);
                }
            }
        }
    }

    private static InputStream commandOutput(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectError(Redirect.INHERIT)
                .start();
        return new FilterInputStream(process.getInputStream()) {
            @Override
            public void close() throws IOException {
                // Ends the command too: a read blocked on its pipe returns once the pipe's writer is gone.
                process.destroy();
                try {
                    if (!process.waitFor(2, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
                super.close();
                if (process.isAlive()) {
                    LOG.warning(() -> "camera command " + command.get(0) + " did not stop");
                }
            }
        };
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
