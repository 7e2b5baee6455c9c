// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import nl.heitje.terminal.StaffScreen;
import nl.heitje.terminal.adapter.lanterna.LanternaStaffUi;

/** What {@code simulator/run} does around the staff screen when it is not headless. */
final class StaffScreenRun {
    /** The bartender the simulator's screen starts signed in as, so a developer can key an amount at once. */
    static final String DEMO_STAFF = "demo";

    /**
     * The staff screen's settings in the simulator: three presets with quick keys, and a manager "boss" with PIN
     * 1234 for the Z report (a demo PIN, hashed ahead so every start need not spend the slow hash).
     */
    static final Map<String, String> DEMO_SETTINGS = Map.of(
            "staffUi.preset.1", "Pils;2.80;food",
            "staffUi.preset.2", "Cola;2.50;food",
            "staffUi.preset.3", "Tosti;4.50;food",
            "staffUi.staff.boss.role", "manager",
            "staffUi.staff.boss.pinHash",
            "pbkdf2-sha256$210000$aGVpdGplLXNpbS1kZW1vIQ==$O3eav9WvJHDH7bibtNRb15SgOfNRLY0/RWQlchMg/oI=");

    private StaffScreenRun() {
    }

    /** The screen owns the terminal: every log line (ours and the libraries') goes to a file instead. */
    static void sendLogsTo(Path logFile) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());
        System.setErr(new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8));
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        // A console handler takes System.err as it is when made: now the log file.
        root.addHandler(new ConsoleHandler());
    }

    /** Written whole or not at all, so a script polling for it never reads half a line. */
    static void writeReadyFile(Path file, String readyLine) {
        try {
            Path absolute = file.toAbsolutePath();
            Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
            Files.writeString(partial, readyLine + "\n", StandardCharsets.UTF_8);
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ready file " + file, e);
        }
    }

    static void show(Simulator simulator) {
        LanternaStaffUi ui = StaffScreen.startOnOwnTerminal(simulator.terminal(), Optional.of(DEMO_STAFF), true);
        // Before the simulator's own hook stops the terminal: give the console back in a sane state.
        Runtime.getRuntime().addShutdownHook(new Thread(ui::close, "staff-ui-shutdown"));
    }
}
