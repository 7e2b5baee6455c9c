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
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                PcscClientMain.class.getName()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "pcsc-client", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process child = builder.start();
        if (!child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the PC/SC client did not finish within " + DEADLINE + ":\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (line.startsWith(PcscClientMain.PREFIX) && equals > 0) {
                values.put(line.substring(PcscClientMain.PREFIX.length(), equals), line.substring(equals + 1));
            }
        }
        return new Result(child.exitValue(), values, text);
    }
}
