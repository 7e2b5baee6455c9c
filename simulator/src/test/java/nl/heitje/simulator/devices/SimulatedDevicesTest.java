// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import nl.heitje.terminal.adapter.evdev.InputEventLayout;
import nl.heitje.terminal.port.ScanResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each simulated device through the real adapter: what it sends is what the terminal's handler gets, and the
 * device hands back the handler's own answer.
 */
class SimulatedDevicesTest {
    /** Every character a payment code can hold, after the prefix. */
    private static final String CODE = "HTJ1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final List<String> received = new CopyOnWriteArrayList<>();
    /** A distinct answer per call, so that a device returning some other call's answer is caught. */
    private final List<ScanResult> answers = new CopyOnWriteArrayList<>();

    private ScanResult terminal(String text) {
        received.add(text);
        ScanResult answer = new ScanResult(java.util.Optional.empty());
        answers.add(answer);
        return answer;
    }

    @ParameterizedTest
    @EnumSource(InputEventLayout.class)
    void theHidScannerTypesThroughTheRealEvdevDecoder(InputEventLayout layout) throws Exception {
        try (SimulatedHidScanner scanner = new SimulatedHidScanner(layout)) {
            scanner.start(this::terminal);
            ScanResult first = scanner.scan(CODE, DEADLINE);
            ScanResult second = scanner.scan("lower case too?", DEADLINE);
            assertEquals(List.of(CODE, "lower case too?"), received);
            assertTrue(first == answers.get(0) && second == answers.get(1), "the handler's own answers");
            assertThrows(IllegalArgumentException.class, () -> scanner.scan("caf\u00e9", DEADLINE));
            scanner.replug();
            scanner.scan("AFTER REPLUG", DEADLINE);
            assertEquals("AFTER REPLUG", received.get(2));
        }
    }

    @Test
    void theSerialScannerSendsLinesThroughTheRealSerialFramer() throws Exception {
        try (SimulatedSerialScanner scanner = new SimulatedSerialScanner()) {
            scanner.start(this::terminal);
            assertTrue(scanner.scan(CODE, DEADLINE) == answers.get(0));
            ScanNotDeliveredException dropped = assertThrows(ScanNotDeliveredException.class,
                    () -> scanner.scan("caf\u00e9", DEADLINE));
            assertTrue(dropped.getMessage().contains("not printable"), dropped.getMessage());
            ScanNotDeliveredException tooLong = assertThrows(ScanNotDeliveredException.class,
                    () -> scanner.scan("A".repeat(5000), DEADLINE));
            assertTrue(tooLong.getMessage().contains("longer than"), tooLong.getMessage());
            assertEquals(List.of(CODE), received);
        }
    }

    @Test
    void theCameraReadsAPictureOnceHowEverManyFramesItIsInView() throws Exception {
        BufferedImage picture = MatrixToImageWriter.toBufferedImage(
                new QRCodeWriter().encode(CODE, BarcodeFormat.QR_CODE, 400, 400));
        try (SimulatedCamera camera = new SimulatedCamera(640, 480)) {
            camera.start(this::terminal);
            ScanResult first = camera.show(picture, 5, DEADLINE);
            ScanResult again = camera.show(picture, 3, DEADLINE);
            assertEquals(List.of(CODE, CODE), received);
            assertTrue(first == answers.get(0) && again == answers.get(1));
            BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
            ScanNotDeliveredException none = assertThrows(ScanNotDeliveredException.class,
                    () -> camera.show(blank, 4, DEADLINE));
            assertTrue(none.getMessage().contains("no readable QR code"), none.getMessage());
            assertEquals(2, received.size());
        }
    }
}
