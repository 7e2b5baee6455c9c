// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust gate's settings, and the node URL it will not trust without TLS. */
class TrustConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> minimal(String rpcUrl) {
        Map<String, String> values = MinimalConfig.values();
        values.put("chain.rpcUrl", rpcUrl);
        values.put("storage.journal", dir.resolve("data/journal.db").toString());
        return values;
    }

    private Path write(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return file;
    }

    @Test
    void theTrustSettingsHaveDocumentedDefaultsAndLiveInTheDataDirectory() {
        TerminalConfig.Trust trust = TerminalConfig.load(write(minimal("https://rpc.gnosischain.com"))).trust();

        assertEquals(Duration.ofSeconds(120), trust.clockTolerance());
        assertEquals(Duration.ofSeconds(60), trust.maxBlockLag());
        assertEquals(Duration.ofDays(1), trust.maxSinceContact());
        assertEquals(dir.resolve("data/chain-contact").toAbsolutePath(), trust.contactFile());
        assertEquals(dir.resolve("data/journal-break.ack").toAbsolutePath(), trust.journalBreakAcknowledgement());
    }

    @Test
    void theTrustSettingsCanBeSet() {
        Map<String, String> values = minimal("http://127.0.0.1:8545");
        values.put("clock.toleranceSeconds", "30");
        values.put("clock.maxBlockLagSeconds", "15");
        values.put("offline.maxSinceContactSeconds", "3600");
        TerminalConfig.Trust trust = TerminalConfig.load(write(values)).trust();

        assertEquals(Duration.ofSeconds(30), trust.clockTolerance());
        assertEquals(Duration.ofSeconds(15), trust.maxBlockLag());
        assertEquals(Duration.ofHours(1), trust.maxSinceContact());
    }

    @Test
    void refusesPlainHttpToAHostThatIsNotLoopbackNamingTheKeyAndTheFile() {
        Path file = write(minimal("http://rpc.gnosischain.com"));

        ConfigException refused = assertThrows(ConfigException.class, () -> TerminalConfig.load(file));
        assertTrue(refused.getMessage().startsWith(file + ": chain.rpcUrl: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("chain.allowPlainHttp=true"), refused.getMessage());
    }

    @Test
    void plainHttpToLoopbackOrWhenAllowedIsAccepted() {
        for (String loopback : new String[] {"http://127.0.0.1:8545", "http://localhost:8545", "http://[::1]:8545"}) {
            assertEquals(loopback, TerminalConfig.load(write(minimal(loopback))).chain().rpcUrl().toString());
        }
        Map<String, String> allowed = minimal("http://10.0.0.5:8545");
        allowed.put("chain.allowPlainHttp", "true");
        assertEquals("10.0.0.5", TerminalConfig.load(write(allowed)).chain().rpcUrl().getHost());
    }

    @Test
    void allowPlainHttpIsTrueOrFalseAndNothingElse() {
        Map<String, String> values = minimal("http://10.0.0.5:8545");
        values.put("chain.allowPlainHttp", "yes");
        Path file = write(values);

        ConfigException refused = assertThrows(ConfigException.class, () -> TerminalConfig.load(file));
        assertTrue(refused.getMessage().contains("chain.allowPlainHttp: must be true or false"), refused.getMessage());
    }
}
