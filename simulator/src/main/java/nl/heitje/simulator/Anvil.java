// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A bare anvil dev node (chain id {@value LocalChain#CHAIN_ID} unless asked for another) on a free loopback port,
 * with nothing deployed: the node under {@link LocalChain}, and a chain that outlives the simulators started against
 * it with {@code simulator/run --chain-rpc} (the crash test kills those, never this). Nothing on it may ever hold
 * value.
 */
public final class Anvil implements AutoCloseable {
    /*
     * Runs anvil as a child of a small shell that holds our end of a pipe as its stdin. If this JVM dies in any way,
     * SIGKILL included, the pipe closes, the shell sees end-of-file and takes anvil down with it: no orphaned
     * chains on a developer's machine or in CI. SIGTERM (our close()) stops anvil too.
     */
    private static final String WATCHDOG = """
            "$0" "$@" & child=$!
            trap 'kill "$child" 2>/dev/null; wait "$child"; exit 143' TERM INT
            while kill -0 "$child" 2>/dev/null; do
              read -r -t 1 _; status=$?
              if [ "$status" -ne 0 ] && [ "$status" -le 128 ]; then kill "$child" 2>/dev/null; break; fi
            done
            wait "$child"
            """;

    /** Deadlines, never expected durations: generous enough for a loaded two-core CI machine. */
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 5;

    private final Process watchdog;
    private final int port;
    private final long chainId;
    private final Path configOut;

    private Anvil(Process watchdog, int port, long chainId, Path configOut) {
        this.watchdog = watchdog;
        this.port = port;
        this.chainId = chainId;
        this.configOut = configOut;
    }

    /** Starts anvil from {@code chainDir/node_modules} on a free loopback port and waits until it answers. */
    public static Anvil start(Path chainDir) {
        return start(chainDir, Anvil::freePort);
    }

    /** As {@link #start(Path)}, trying the ports {@code ports} hands out (a test hands out a taken one first). */
    static Anvil start(Path chainDir, IntSupplier ports) {
        return start(chainDir, ports, LocalChain.CHAIN_ID);
    }

    /** A node with another chain id: what the simulator must refuse to deploy on. */
    static Anvil startWithChainId(Path chainDir, long chainId) {
        return start(chainDir, Anvil::freePort, chainId);
    }

    static Anvil start(Path chainDir, IntSupplier ports, long chainId) {
        Path binary = chainDir.resolve("node_modules/.bin/anvil");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("anvil is not installed at " + binary + "; run simulator/chain/setup");
        }
        /*
         * anvil is given a port that was free a moment ago; by the time it binds, another process may hold it. Then
         * anvil exits at once, and we try again on a fresh port instead of failing the build of a busy machine.
         */
        Exited last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return launch(binary, ports.getAsInt(), chainId);
            } catch (Exited exited) {
                last = exited;
            }
        }
        throw new IllegalStateException("anvil exited early on " + PORT_ATTEMPTS + " fresh ports in a row", last);
    }

    /** anvil died before it was ready: on a port of its own, the next attempt will do. */
    static final class Exited extends IllegalStateException {
        Exited(String message) {
            super(message);
        }
    }

    private static Anvil launch(Path binary, int port, long chainId) {
        Path configOut;
        Process process;
        try {
            // anvil writes this file only once it holds its port (it does not when the bind fails), so an answer
            // on the port after the file appeared is our node's, never a node someone else started there first.
            configOut = Files.createTempFile("heitje-anvil-", ".json");
            Files.delete(configOut);
            process = new ProcessBuilder("bash", "-c", WATCHDOG, binary.toString(), "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--chain-id", Long.toString(chainId), "--silent",
                    "--config-out", configOut.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start anvil at " + binary, e);
        }
        Anvil anvil = new Anvil(process, port, chainId, configOut);
        try {
            anvil.awaitReady();
            return anvil;
        } catch (RuntimeException failed) {
            anvil.close();
            throw failed;
        }
    }

    private void awaitReady() {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl()));
        try {
            Instant deadline = Instant.now().plus(READY_DEADLINE);
            while (Instant.now().isBefore(deadline)) {
                // A port taken by someone else makes anvil exit; never mistake that other listener for our chain.
                if (!watchdog.isAlive()) {
                    throw new Exited("anvil exited with " + watchdog.exitValue() + " (port " + port + " taken?)");
                }
                if (Files.exists(configOut)) {
                    try {
                        if (web3j.ethChainId().send().getChainId().longValue() == chainId) {
                            return;
                        }
                    } catch (IOException | RuntimeException notYet) {
                        // not answering yet
                    }
                }
                sleep(50);
            }
            throw new IllegalStateException("anvil did not answer on port " + port + " within "
                    + READY_DEADLINE.toSeconds() + " s");
        } finally {
            web3j.shutdown();
        }
    }

    public int port() {
        return port;
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return watchdog.isAlive();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * SIGTERM to the watchdog, which stops anvil and waits for it. If that takes too long (a loaded machine), every
     * process below the watchdog is killed before the watchdog itself, so no anvil is left behind on its port.
     */
    @Override
    public void close() {
        watchdog.destroy();
        try {
            if (!watchdog.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
            watchdog.destroyForcibly();
        }
        try {
            Files.deleteIfExists(configOut);
        } catch (IOException ignored) {
            // a temp file; the OS cleans its temp directory
        }
    }
}
