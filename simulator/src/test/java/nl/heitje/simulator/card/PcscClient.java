// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link PcscClientMain} in a child JVM. pcsc-lite's client library reads {@code PCSCLITE_CSOCK_NAME} from the
 * process environment, which a running JVM cannot change; a child started with it set talks to the test's own
 * pcscd through the JDK's real PC/SC provider.
 */
final class PcscClient {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private PcscClient() {
    }

    /** What the child printed on its {@code PCSC key=value} lines, plus its whole output for failure messages. */
    record Result(int exitCode, Map<String, String> values, String output) {
        String get(String key) {
            String value = values.get(key);
            if (value == null) {
                throw new AssertionError("the PC/SC client printed no " + key + "; its output:\n" + output);
            }
            return value;
        }
    }

    static Result run(Map<String, String> environment, Path workDir, String... args)
            throws IOException, InterruptedException {
        Running child = start(environment, workDir, args);
        if (!child.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            child.process.destroyForcibly();
            throw new AssertionError("the PC/SC client did not finish within " + DEADLINE + ":\n" + child.output());
        }
        return child.result();
    }

    /** Starts the child and returns at once, for a test that acts (puts cards on the reader) while it runs. */
    static Running start(Map<String, String> environment, Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                PcscClientMain.class.getName()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "pcsc-client", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return new Running(builder.start(), output);
    }

    /** A child still running; what it has printed so far can be read. */
    record Running(Process process, Path outputFile) implements AutoCloseable {
        String output() throws IOException {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        }

        /** Waits until the child has printed {@code key}, then answers its value. */
        String await(String key, Duration deadline) throws IOException, InterruptedException {
            long until = System.nanoTime() + deadline.toNanos();
            while (true) {
                String value = values(output()).get(key);
                if (value != null) {
                    return value;
                }
                if (!process.isAlive() || System.nanoTime() > until) {
                    throw new AssertionError("the PC/SC client printed no " + key + "; its output:\n" + output());
                }
                Thread.sleep(1);
            }
        }

        Result result() throws IOException {
            String text = output();
            return new Result(process.exitValue(), values(text), text);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** The child's findings on complete lines (a line still being written is left for the next read). */
    private static Map<String, String> values(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        for (String line : complete.split("\n")) {
            int equals = line.indexOf('=');
            if (line.startsWith(PcscClientMain.PREFIX) && equals > 0) {
                values.put(line.substring(PcscClientMain.PREFIX.length(), equals), line.substring(equals + 1));
            }
        }
        return values;
    }
}
