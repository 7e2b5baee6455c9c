// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the report keeps what no run measures, and the JVM options the service section reads from the unit. */
class BenchReportTest {
    @TempDir
    Path dir;

    @Test
    void aFullRunKeepsThePcscSectionAndTheReadingButNotASectionItWritesItself() throws Exception {
        Path report = dir.resolve("benchmarks.md");
        Files.writeString(report, "# Benchmarks\n\n## Memory\n\nold\n\n" + Bench.PCSC_HEADING + " x\n\npcsc\n\n"
                + ServiceBench.HEADING + "\n\nservice run alone\n\n## Reading these numbers\n\nreading\n");

        assertEquals("\n" + Bench.PCSC_HEADING + " x\n\npcsc\n\n## Reading these numbers\n\nreading\n",
                Bench.keptReading(report));
    }

    @Test
    void theServiceIsMeasuredUnderTheUnitsJvmOptionsWithoutItsArchiveOptions() throws Exception {
        Path unit = dir.resolve("heitje-terminal.service");
        Files.writeString(unit, "[Service]\nExecStart=/usr/bin/java -Xmx64m -XX:+UseSerialGC "
                + "-XX:SharedArchiveFile=/var/lib/heitje-terminal/heitje.jsa -Xshare:auto -cp /usr/share/lib/* "
                + "nl.heitje.terminal.TerminalMain --config /etc/heitje/terminal.properties\n");

        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC"), ServiceBench.unitJvmOptions(unit));
    }
}
