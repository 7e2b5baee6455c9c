// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.heitje.terminal.support.Eventually;
import nl.heitje.terminal.port.ScanResult;
import org.junit.jupiter.api.Test;

/** jSerialComm on a real pseudo-terminal pair made by socat: one end is the scanner, the other our port. */
class SerialQrSourceOnAPtyTest {
    private static final Pattern PTY = Pattern.compile("PTY is (\\S+)");

    @Test
    void readsLinesTheScannerSendsOverARealPty() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/socat")), "socat is not installed: apt-get install socat (see .ci/run)");
        Process socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
                .redirectErrorStream(true).start();
        List<String> scanned = new CopyOnWriteArrayList<>();
        SerialQrSource source = null;
        try {
            List<String> ptys = new ArrayList<>();
            BufferedReader log = new BufferedReader(new InputStreamReader(socat.getInputStream(), StandardCharsets.UTF_8));
            while (ptys.size() < 2) {
                String line = log.readLine();
                if (line == null) {
                    throw new IllegalStateException("socat ended before naming its ptys");
                }
                Matcher pty = PTY.matcher(line);
                if (pty.find()) {
                    ptys.add(pty.group(1));
                }
            }
            source = SerialQrSource.ofPort(ptys.get(0), new SerialSettings(115200, 8, 1, SerialSettings.Parity.NONE));
            source.start(text -> {
                scanned.add(text);
                return ScanResult.noPaymentWaiting();
            });
            String code = "HTJ1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
            try (OutputStream scanner = new FileOutputStream(ptys.get(1))) {
                // Until the port is open a write is lost, like a scan before the terminal started: send until read.
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (scanned.isEmpty() && System.nanoTime() < deadline) {
                    scanner.write((code + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    scanner.flush();
                    Thread.sleep(200);
                }
                Eventually.await("a line read from the pty", () -> !scanned.isEmpty());
                scanner.write("SECOND\r".getBytes(StandardCharsets.US_ASCII));
                scanner.flush();
                Eventually.await("the second line", () -> scanned.contains("SECOND"));
            }
            assertEquals(code, scanned.get(0));
            assertEquals(List.of(code), scanned.stream().filter(s -> !s.equals("SECOND")).distinct().toList());
        } finally {
            if (source != null) {
                source.close();
            }
            socat.destroy();
        }
    }
}
