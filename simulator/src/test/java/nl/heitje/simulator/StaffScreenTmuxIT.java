// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staff screen as a developer meets it: {@code simulator/run} without {@code --headless} in a real 60×20 terminal
 * (tmux), keyed with {@code 4.50} Enter, paid by a citizen's QR, read back off the screen; then the terminal grows
 * and the screen follows. Every wait polls the screen against a deadline.
 */
class StaffScreenTmuxIT {
    private static final Duration START_DEADLINE = Duration.ofSeconds(180);
    private static final Duration SCREEN_DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A server of our own, so the test never touches another tmux session on the machine. */
    private final String socket = "heitje-staff-ui-" + ProcessHandle.current().pid();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @AfterEach
    void stopTmux() throws Exception {
        tmux("kill-server");
    }

    @Test
    void developerKeysAnAmountAndSeesTheCitizensPaymentApproved() throws Exception {
        Path run = Path.of(System.getProperty("simulator.home", ".")).resolve("run").toAbsolutePath();
        Path readyFile = dir.resolve("ready");
        Path dataDir = dir.resolve("data");
        String command = run + " --control-port 0 --data-dir " + dataDir + " --ready-file " + readyFile + " 2>"
                + dir.resolve("run.err");
        assertEquals(0, tmux("new-session", "-d", "-s", "ui", "-x", "60", "-y", "20", command));

        String ready = awaitReadyLine(readyFile);
        String control = ready.replaceAll(".*control=(\\S+).*", "$1");
        awaitScreen("amount entry with the demo bartender signed in",
                screen -> screen.contains("Bedrag: EUR 0.00_") && screen.contains("demo"));

        assertEquals(0, tmux("send-keys", "-t", "ui", "4", ".", "5", "0", "Enter"));
        awaitScreen("the present-card screen for 4.50",
                screen -> screen.contains("Pas of QR-code aanbieden") && screen.contains("EUR 4.50"));

        post(control + "/sim/citizen", "{\"name\":\"alice\",\"balance\":\"20.00\",\"pin\":\"1234\"}");
        JsonNode paid = post(control + "/sim/citizen/alice/pay", "{\"by\":\"qr\"}");
        assertEquals("APPROVED", paid.path("payment").path("status").asText(), paid.toString());

        String approved = awaitScreen("the approval, large", screen -> screen.contains("BETAALD  EUR 4.50 HEIT"));
        assertTrue(approved.contains("####  ##### #####  ###   ###  #     ####"), approved);
        List<String> rows = approved.lines().toList();
        assertTrue(rows.get(0).startsWith("ONLINE"), "the status line on top: " + approved);
        assertTrue(rows.get(rows.size() - 1).contains("Enter=volgende"), "the keys at the bottom: " + approved);

        assertEquals(0, tmux("resize-window", "-t", "ui", "-x", "80", "-y", "24"));
        awaitScreen("the keys on the bottom row of the larger terminal", screen -> {
            List<String> lines = screen.lines().toList();
            return lines.size() >= 24 && lines.get(23).contains("Enter=volgende")
                    && screen.contains("BETAALD  EUR 4.50 HEIT");
        });
        assertEquals(0, tmux("send-keys", "-t", "ui", "Enter"));
        awaitScreen("the next sale's amount entry", screen -> screen.contains("Bedrag: EUR 0.00_"));

        // The day's close needs a manager: the simulator's demo manager "boss" (PIN 1234) confirms it on the spot.
        assertEquals(0, tmux("send-keys", "-t", "ui", "/", "3"));
        awaitScreen("the manager PIN asked for", screen -> screen.contains("Managerpincode"));
        assertEquals(0, tmux("send-keys", "-t", "ui", "1", "2", "3", "4"));
        awaitScreen("the manager PIN masked", screen -> screen.contains("PIN: ****") && !screen.contains("1234"));
        assertEquals(0, tmux("send-keys", "-t", "ui", "Enter"));
        awaitScreen("the day's totals before it is closed",
                screen -> screen.contains("dag afsluiten?") && screen.contains("[HEIT]"));
        assertEquals(0, tmux("send-keys", "-t", "ui", "Enter"));
        String z = awaitScreen("the first Z report", screen -> screen.contains("Z 1:"));
        assertTrue(z.lines().anyMatch(line -> line.contains("Betaald") && line.contains("1") && line.contains("4.50")),
                z);
    }

    private String awaitReadyLine(Path readyFile) throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(readyFile)) {
                String line = Files.readString(readyFile).trim();
                assertTrue(line.startsWith("simulator ready: control="), line);
                return line;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ready file within " + START_DEADLINE.toSeconds() + " s; the screen: "
                + capture() + "\nstderr: " + readQuietly(dir.resolve("run.err")));
    }

    private String awaitScreen(String what, Predicate<String> shows) throws Exception {
        long deadline = System.nanoTime() + SCREEN_DEADLINE.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture();
            if (shows.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the screen never showed " + what + "; it shows:\n" + screen);
    }

    private String capture() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "ui")
                .redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return text;
    }

    private int tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    private JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, url + " answered " + response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(none)";
        }
    }
}
