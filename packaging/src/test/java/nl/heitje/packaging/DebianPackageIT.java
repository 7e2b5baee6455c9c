// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the built .deb with Debian's own tools: lintian, systemd-analyze, shellcheck and dpkg-deb. A missing tool
 * fails the test with the Debian package that provides it (.ci/run installs them), never skips it. The package is
 * unpacked with dpkg-deb -x to check its layout, and installed for real by src/test/sh/install-test in a
 * throwaway overlay of this machine (needs root, as CI runs).
 */
class DebianPackageIT {
    private static final Path TARGET = Path.of(System.getProperty("packaging.target", "target"));
    private static final Path MODULE = Path.of(System.getProperty("packaging.home", "."));
    private static final Path REPO = MODULE.toAbsolutePath().getParent();
    private static final String UNITS = "lib/systemd/system";
    private static final String SERVICE = "heitje-terminal.service";
    private static final String CONSOLE_SERVICE = "heitje-terminal-console.service";

    @TempDir
    static Path unpacked;
    private static Path deb;

    @BeforeAll
    static void unpack() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> debs = files.filter(file -> file.getFileName().toString().matches("heitje-terminal_.+_all\\.deb"))
                    .collect(Collectors.toList());
            assertEquals(1, debs.size(), "exactly one heitje-terminal_<version>_all.deb in " + TARGET + ": " + debs);
            deb = debs.get(0);
        }
        Result extracted = run("dpkg", List.of("dpkg-deb", "-x", deb.toString(), unpacked.toString()));
        assertEquals(0, extracted.status, extracted.output);
    }

    @Test
    void lintianFindsNoErrorsOrWarningsBeyondTheAcceptedOnes() {
        // The accepted ones are in packaging/lintian-overrides, shipped in the package where lintian reads them.
        Result lintian = run("lintian", List.of("lintian", "--fail-on", "error,warning", deb.toString()));
        assertEquals(0, lintian.status, "lintian:\n" + lintian.output);
        assertFalse(lintian.output.lines().anyMatch(line -> line.startsWith("E:") || line.startsWith("W:")),
                lintian.output);
    }

    @Test
    void theUnitsAreTheTwoAlternatives() {
        // The checks below take every unit the package ships; this says which those are.
        assertEquals(List.of(CONSOLE_SERVICE, SERVICE), unitNames());
    }

    @Test
    void systemdAcceptsEveryUnit() {
        for (String unit : unitNames()) {
            Result verify = run("systemd", List.of("systemd-analyze", "verify", unitFile(unit).toString()));
            assertEquals(0, verify.status, unit + ": " + verify.output);
            // Warnings (unknown settings, a missing binary) go to stderr with status 0: there must be none.
            assertEquals("", verify.output.strip(), "systemd-analyze verify " + unit);
        }
    }

    @Test
    void everyUnitsSandboxStaysAtSystemdsExposureLevelOk() {
        // systemd's own score of the sandbox (0 = fully locked down, 10 = none); 2.0 is the top of its "OK" band.
        // A setting dropped from a unit raises the score past it.
        for (String unit : unitNames()) {
            Result security = run("systemd", List.of("systemd-analyze", "security", "--offline=yes", "--threshold=20",
                    unitFile(unit).toString()));
            assertEquals(0, security.status, unit + ": " + security.output);
            assertTrue(security.output.contains("Overall exposure level for " + unit), security.output);
        }
    }

    @Test
    void theConsoleUnitIsTheServiceUnitWithOnlyItsConsoleLinesChanged() throws IOException {
        // systemd has no way for one unit to include another (a drop-in changes a unit, it cannot make a second one,
        // and Type=notify allows one ExecStart, so a drop-in would restate the command line anyway). The two files
        // are kept side by side, and this is what keeps them one: every setting the headless unit has, in its
        // order, and nothing else but the lines the console needs. Comments may differ.
        List<String> service = settings(unitFile(SERVICE));
        List<String> expected = new ArrayList<>();
        for (String setting : service) {
            if (setting.startsWith("[Unit]Description=")) {
                expected.add("[Unit]Description=Heitje Terminal with the staff screen on the console (tty1)");
            } else if (setting.startsWith("[Service]ExecStart=")) {
                expected.add(setting + " --staff-ui");
            } else {
                expected.add(setting);
            }
        }
        List<String> consoleLines = List.of(
                "[Unit]Conflicts=heitje-terminal.service getty@tty1.service",
                "[Unit]After=heitje-terminal.service getty@tty1.service",
                "[Service]TTYPath=/dev/tty1",
                "[Service]StandardInput=tty",
                "[Service]StandardOutput=tty",
                "[Service]StandardError=journal",
                "[Service]TTYReset=yes",
                "[Service]TTYVHangup=yes",
                "[Service]TTYVTDisallocate=yes",
                "[Service]DeviceAllow=/dev/tty1 rw");
        List<String> console = new ArrayList<>(settings(unitFile(CONSOLE_SERVICE)));
        for (String line : consoleLines) {
            assertTrue(console.remove(line), "the console unit lacks " + line);
        }
        assertEquals(expected, console, "the console unit differs from " + SERVICE + " in more than its console lines");
    }

    @Test
    void shellcheckAcceptsTheMaintainerScriptsAndTheRepositorysScripts() {
        List<String> command = new ArrayList<>(List.of("shellcheck"));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            command.add(MODULE.resolve("src/deb/control").resolve(script).toString());
        }
        command.add(MODULE.resolve("src/deb/bin/heitje-provision").toString());
        command.add(MODULE.resolve("src/test/sh/install-test").toString());
        for (String script : List.of("simulator/run", "simulator/bench", "provisioning/provision", ".ci/run",
                "simulator/chain/setup")) {
            Path file = REPO.resolve(script);
            assertTrue(Files.isRegularFile(file), "a script to check is gone: " + file);
            command.add(file.toString());
        }
        Result shellcheck = run("shellcheck", command);
        assertEquals(0, shellcheck.status, shellcheck.output);
    }

    @Test
    void theLayoutAndModesAreTheDocumentedOnes() {
        Map<String, String> modeByPath = new HashMap<>();
        Result listing = run("dpkg", List.of("dpkg-deb", "-c", deb.toString()));
        assertEquals(0, listing.status, listing.output);
        for (String line : listing.output.lines().collect(Collectors.toList())) {
            String[] fields = line.trim().split("\\s+");
            String mode = fields[0];
            String owner = fields[1];
            String path = fields[fields.length - 1].replaceFirst("^\\./", "/");
            assertEquals("root/root", owner, line);
            assertFalse(mode.charAt(8) == 'w', "world-writable: " + line);
            modeByPath.put(path, mode);
        }
        assertEquals("-rwxr-xr-x", modeByPath.get("/usr/bin/heitje-provision"));
        assertEquals("-rw-r--r--", modeByPath.get("/lib/systemd/system/heitje-terminal.service"));
        assertEquals("-rw-r--r--", modeByPath.get("/lib/systemd/system/heitje-terminal-console.service"));
        assertEquals("-rw-r--r--", modeByPath.get("/lib/udev/rules.d/70-heitje.rules"));
        assertEquals("-rw-r--r--", modeByPath.get("/usr/share/doc/heitje-terminal/copyright"));
        assertEquals("-rw-r--r--", modeByPath.get("/usr/share/doc/heitje-terminal/changelog.gz"));
        // The merchant's config, keystore and journal are never in the package: postinst creates their folders.
        assertTrue(modeByPath.keySet().stream().noneMatch(path -> path.startsWith("/etc/") || path.startsWith("/var/")),
                "the package ships files under /etc or /var: " + modeByPath.keySet());

        List<String> libJars = jarNames("usr/share/heitje-terminal/lib");
        assertTrue(libJars.stream().anyMatch(jar -> jar.matches("terminal-.+\\.jar")), libJars.toString());
        assertTrue(libJars.stream().anyMatch(jar -> jar.startsWith("pi4j-plugin-gpiod-")), libJars.toString());
        assertTrue(libJars.stream().anyMatch(jar -> jar.startsWith("slf4j-simple-")), libJars.toString());
        for (String forbidden : List.of("pi4j-plugin-mock", "simulator", "junit", "archunit", "provisioning")) {
            assertTrue(libJars.stream().noneMatch(jar -> jar.startsWith(forbidden)),
                    forbidden + " must not be on the terminal's classpath: " + libJars);
        }
        List<String> provisionJars = jarNames("usr/share/heitje-terminal/provision");
        assertEquals(2, provisionJars.size(), provisionJars.toString());
        assertTrue(provisionJars.stream().anyMatch(jar -> jar.startsWith("provisioning-")), provisionJars.toString());
        assertTrue(provisionJars.stream().anyMatch(jar -> jar.startsWith("picocli-")), provisionJars.toString());
    }

    @Test
    void everyUnitsCommandRefusesABrokenConfigWithExitTwoNamingTheKey(@TempDir Path config) throws IOException {
        Path properties = config.resolve("terminal.properties");
        Files.writeString(properties, "merchant.address=0x0000000000000000000000000000000000000001\n");
        for (String unit : unitNames()) {
            assertUnitsCommandRefuses(unit, properties);
        }
    }

    private static void assertUnitsCommandRefuses(String unit, Path properties) throws IOException {
        String execStart = Files.readAllLines(unitFile(unit)).stream()
                .filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        // The unit's own command line, JVM options included, with the package's paths moved to the unpacked tree.
        List<String> command = new ArrayList<>();
        for (String word : execStart.split(" ")) {
            command.add(word.replace("/usr/share/heitje-terminal", unpacked.resolve("usr/share/heitje-terminal").toString())
                    .replace("/etc/heitje/terminal.properties", properties.toString()));
        }
        assertTrue(command.contains("-Xmx64m") && command.contains("-XX:+UseSerialGC"), execStart);
        command.set(0, "java");
        Result terminal = run("default-jre-headless", command);
        assertEquals(2, terminal.status, unit + ": " + terminal.output);
        assertTrue(terminal.output.contains("terminal: " + properties + ": tokens"), unit + ": " + terminal.output);
    }

    @Test
    void theProvisioningCliRunsFromThePackage() {
        Result help = run("default-jre-headless",
                List.of(unpacked.resolve("usr/bin/heitje-provision").toString(), "init", "--help"));
        assertEquals(0, help.status, help.output);
        assertTrue(help.output.startsWith("Usage: provision init"), help.output);
    }

    @Test
    void installingAgainUpgradingRemovingAndPurgingKeepTheJournalAndTheKeystore() {
        Result install = run("util-linux", List.of("unshare", "--mount",
                MODULE.resolve("src/test/sh/install-test").toString(), deb.toString()));
        assertEquals(0, install.status, install.output);
        assertTrue(install.output.contains("install test: install, install again, upgrade, remove and purge keep"),
                install.output);
    }

    private static List<String> unitNames() {
        try (Stream<Path> units = Files.list(unpacked.resolve(UNITS))) {
            return units.map(unit -> unit.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError("cannot list " + UNITS, e);
        }
    }

    private static Path unitFile(String unit) {
        return unpacked.resolve(UNITS).resolve(unit);
    }

    /** A unit file's settings in order, each prefixed with its section: "[Service]User=heitje". */
    private static List<String> settings(Path unit) throws IOException {
        List<String> settings = new ArrayList<>();
        String section = "";
        for (String line : Files.readAllLines(unit)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[")) {
                section = trimmed;
            } else {
                settings.add(section + trimmed);
            }
        }
        return settings;
    }

    private static List<String> jarNames(String folder) {
        try (Stream<Path> jars = Files.list(unpacked.resolve(folder))) {
            return jars.map(jar -> jar.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError("cannot list " + folder, e);
        }
    }

    private record Result(int status, String output) {
    }

    /** Runs a tool with stderr merged into the output; a tool that is not installed fails, naming its package. */
    private static Result run(String debianPackage, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            fail(command.get(0) + " is not installed: install the Debian package " + debianPackage
                    + " (apt-get install " + debianPackage + "; .ci/run does this)", notInstalled);
            throw new AssertionError("unreachable");
        }
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(command.get(0) + " did not finish within 2 minutes");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(String.join(" ", command), e);
        }
    }
}
