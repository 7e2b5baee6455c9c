// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pcscd of the test's own, isolated from any system pcscd and from other tests: its own reader config (the vpcd
 * driver on free ports, or no reader at all), its own socket, pid file and log.
 *
 * <p>pcscd 1.9.9 (Debian 12) binds its socket and pid file at the compiled-in {@code /run/pcscd}; only the client
 * library honours {@code PCSCLITE_CSOCK_NAME} (checked on this machine: the daemon ignores it). So pcscd runs in a
 * private mount namespace ({@code unshare}, util-linux) in which the test's own directory is mounted over
 * {@code /run/pcscd}; clients reach the same socket through {@code PCSCLITE_CSOCK_NAME}. The system's pcscd, if
 * any, is never touched.
 *
 * <p>vpcd opens two reader slots, "Virtual PCD 00 00" on the configured port and "... 00 01" on the next.
 */
final class PcscStack implements AutoCloseable {
    static final String INSTALL_HINT = "install pcscd and vsmartcard-vpcd, see .ci/run";
    static final String SOCKET_ENV = "PCSCLITE_CSOCK_NAME";
    static final String READER = "Virtual PCD 00 00";

    private static final Path PCSCD = Path.of("/usr/sbin/pcscd");
    private static final Path VPCD_DRIVER = Path.of("/usr/lib/pcsc/drivers/serial/libifdvpcd.so");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 5;

    private final Process daemon;
    private final Path runDir;
    private final Path log;
    private final int vpcdPort;

    private PcscStack(Process daemon, Path runDir, Path log, int vpcdPort) {
        this.daemon = daemon;
        this.runDir = runDir;
        this.log = log;
        this.vpcdPort = vpcdPort;
    }

    /** A pcscd with one vpcd reader (two slots), no card on it yet. */
    static PcscStack withVirtualReader(Path workDir) throws IOException, InterruptedException {
        requireInstalled();
        String failures = "";
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = freePortPair();
            PcscStack stack = start(workDir.resolve("pcscd-" + attempt), port);
            if (!stack.log().contains("init failed")) {
                return stack;
            }
            // Another process took the port between our probe and pcscd's bind: try other ports.
            failures += "\n--- attempt " + attempt + " on port " + port + ":\n" + stack.log();
            stack.close();
        }
        throw new AssertionError("pcscd could not open a vpcd reader on a free port:" + failures);
    }

    /** A pcscd that knows no reader at all. */
    static PcscStack withoutReaders(Path workDir) throws IOException, InterruptedException {
        requireInstalled();
        return start(workDir.resolve("pcscd-no-reader"), -1);
    }

    /** Fails (never skips) where the packages are missing: the PC/SC path must be tested on every build. */
    static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(PCSCD)) {
            missing.add(PCSCD + " (package pcscd)");
        }
        if (!Files.exists(VPCD_DRIVER)) {
            missing.add(VPCD_DRIVER + " (package vsmartcard-vpcd)");
        }
        if (!missing.isEmpty()) {
            throw new AssertionError(INSTALL_HINT + "; missing: " + String.join(", ", missing));
        }
    }

    /** Where a virtual card connects to be on the reader {@link #READER}. */
    InetSocketAddress vpcd() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), vpcdPort);
    }

    /** The environment a PC/SC client process needs to talk to this pcscd. */
    Map<String, String> clientEnvironment() {
        return Map.of(SOCKET_ENV, runDir.resolve("pcscd.comm").toString());
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static PcscStack start(Path dir, int vpcdPort) throws IOException, InterruptedException {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path confDir = Files.createDirectories(dir.resolve("reader.conf.d"));
        if (vpcdPort > 0) {
            Files.writeString(confDir.resolve("vpcd"), readerConfig(vpcdPort), StandardCharsets.UTF_8);
        }
        Path log = dir.resolve("pcscd.log");
        ProcessBuilder builder = new ProcessBuilder(isolatedCommand(runDir, confDir))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process daemon = builder.start();
        PcscStack stack = new PcscStack(daemon, runDir, log, vpcdPort);
        stack.awaitReady();
        return stack;
    }

    private static List<String> isolatedCommand(Path runDir, Path confDir) {
        List<String> command = new ArrayList<>(List.of("unshare"));
        if (!"root".equals(System.getProperty("user.name"))) {
            // Without root, a user namespace grants the mount; /run/pcscd must then already exist.
            command.addAll(List.of("--user", "--map-root-user"));
        }
        command.addAll(List.of("--mount", "--propagation", "private", "sh", "-c",
                "mkdir -p /run/pcscd && mount --bind \"$1\" /run/pcscd && exec \"$2\" --foreground --info -c \"$3\"",
                "pcscd-isolated", runDir.toString(), PCSCD.toString(), confDir.toString()));
        return command;
    }

    private static String readerConfig(int port) {
        // DEVICENAME /dev/null:<port> makes vpcd listen for the virtual card instead of dialling out.
        return "FRIENDLYNAME \"Virtual PCD\"\n"
                + "DEVICENAME   /dev/null:" + port + "\n"
                + "LIBPATH      " + VPCD_DRIVER + "\n"
                + "CHANNELID    " + port + "\n";
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new AssertionError("pcscd exited with " + daemon.exitValue()
                        + " before it was ready (" + INSTALL_HINT + "; its mount namespace needs root or user"
                        + " namespaces):\n" + log());
            }
            if (log().contains("daemon ready") && Files.exists(runDir.resolve("pcscd.comm"))) {
                return;
            }
            Thread.sleep(50);
        }
        close();
        throw new AssertionError("pcscd was not ready within " + READY_DEADLINE + ":\n" + log());
    }

    /** A port p with p and p + 1 free: vpcd listens on both (one per slot). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                int port = first.getLocalPort();
                if (port < 65535 && isFree(port + 1)) {
                    return port;
                }
            }
        }
        throw new IOException("found no two adjacent free TCP ports");
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
