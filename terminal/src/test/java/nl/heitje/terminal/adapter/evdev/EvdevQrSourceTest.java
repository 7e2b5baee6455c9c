// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import nl.heitje.terminal.support.Eventually;
import nl.heitje.terminal.device.ScanLineFramer;
import nl.heitje.terminal.port.ScanResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvdevQrSourceTest {
    private final List<String> scanned = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();

    @Test
    void readsEachOpeningOfTheDeviceAndSurvivesAHandlerThatThrows() {
        AtomicInteger opened = new AtomicInteger();
        byte[][] sessions = {
                new InputEvents(InputEventLayout.BITS_64).type("FIRST").enter().type("PARTIAL").bytes(),
                new InputEvents(InputEventLayout.BITS_64).type("BOOM").enter().type("SECOND").enter().tap(59).enter()
                        .bytes()};
        EvdevQrSource source = new EvdevQrSource("test", () -> {
            int session = opened.getAndIncrement();
            if (session >= sessions.length) {
                throw new java.io.IOException("unplugged");
            }
            return new ByteArrayInputStream(sessions[session]);
        }, InputEventLayout.BITS_64, ScanLineFramer.DEFAULT_MAX_LENGTH, dropped::add, Duration.ofMillis(5));
        source.start(text -> {
            scanned.add(text);
            if (text.equals("BOOM")) {
                throw new IllegalStateException("a handler bug");
            }
            return ScanResult.noPaymentWaiting();
        });
        try {
            Eventually.await("both sessions read", () -> scanned.size() == 3 && dropped.size() == 1);
            assertEquals(List.of("FIRST", "BOOM", "SECOND"), scanned);
            assertTrue(dropped.get(0).contains("key code 59"), dropped.get(0));
        } finally {
            source.close();
        }
    }

    /**
     * The real device path (open, EVIOCGRAB, poll, read through JNA) on a FIFO: the grab fails there, which must
     * only be a warning; the FIFO missing at first, then closed by its writer, stands for a scanner plugged in late
     * and unplugged.
     */
    @Test
    void readsARealFileDescriptorThroughJnaAndReopensIt(@TempDir Path dir) throws Exception {
        Path device = dir.resolve("event-kbd");
        EvdevQrSource source = EvdevQrSource.ofDevice(device, "auto");
        source.start(text -> {
            scanned.add(text);
            return ScanResult.noPaymentWaiting();
        });
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", device.toString()).start();
            assertEquals(0, mkfifo.waitFor());
            InputEventLayout layout = InputEventLayout.ofThisJvm();
            try (OutputStream writer = new FileOutputStream(device.toFile())) {
                writer.write(new InputEvents(layout).type("HTJ1:PLUGGED IN").enter().bytes());
            }
            Eventually.await("the first code", () -> scanned.size() == 1);
            try (OutputStream writer = new FileOutputStream(device.toFile())) {
                writer.write(new InputEvents(layout).type("AGAIN").enter().bytes());
            }
            Eventually.await("the code after reopening", () -> scanned.size() == 2);
            assertEquals(List.of("HTJ1:PLUGGED IN", "AGAIN"), scanned);
        } finally {
            source.close();
            Files.deleteIfExists(device);
        }
    }
}
