// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the till API must be served over TLS, and where its certificate's password comes from. */
class TillTlsConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> minimal() {
        Map<String, String> values = MinimalConfig.values();
        values.remove("till.host");
        return values;
    }

    private TerminalConfig load(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return TerminalConfig.load(file, Map.of());
    }

    @Test
    void aTillApiOnTheShopsNetworkWithoutCertificateIsRefusedNamingTheKey() {
        Map<String, String> values = minimal();
        values.put("till.host", "0.0.0.0");

        ConfigException refused = assertThrows(ConfigException.class, () -> load(values));

        assertTrue(refused.getMessage().contains("till.tls.keystore"), refused.getMessage());
        assertTrue(refused.getMessage().contains("till.allowPlainHttp"), refused.getMessage());
    }

    @Test
    void theDefaultHostListensOnEveryInterfaceAndSoNeedsACertificateToo() {
        assertThrows(ConfigException.class, () -> load(minimal()));
    }

    @Test
    void plainHttpOnLoopbackOrWhenAskedFor() {
        Map<String, String> loopback = minimal();
        loopback.put("till.host", "127.0.0.1");
        Map<String, String> asked = minimal();
        asked.put("till.host", "0.0.0.0");
        asked.put("till.allowPlainHttp", "true");

        assertTrue(load(loopback).till().tls().isEmpty());
        assertTrue(load(asked).till().tls().isEmpty());
    }

    @Test
    void theCertificateSharesTheSettlementKeystoresPasswordUnlessGivenItsOwn() {
        Map<String, String> values = minimal();
        values.remove("settlement.privateKey");
        values.put("settlement.keystore", "keystore.json");
        values.put("settlement.passwordFile", "/etc/heitje/keystore-password");
        values.put("till.tls.keystore", "till-tls.p12");

        TerminalConfig.TillTls shared = load(values).till().tls().orElseThrow();
        values.put("till.tls.passwordFile", "/etc/heitje/till-password");
        TerminalConfig.TillTls own = load(values).till().tls().orElseThrow();

        assertEquals(dir.resolve("till-tls.p12").toAbsolutePath(), shared.keystore());
        assertEquals(Path.of("/etc/heitje/keystore-password"), shared.passwordFile());
        assertEquals(Path.of("/etc/heitje/till-password"), own.passwordFile());
    }

    @Test
    void aCertificateWithoutAnyPasswordSourceIsRefused() {
        Map<String, String> values = minimal();
        values.put("till.tls.keystore", "till-tls.p12");

        ConfigException refused = assertThrows(ConfigException.class, () -> load(values));

        assertTrue(refused.getMessage().contains("till.tls.passwordFile"), refused.getMessage());
    }

    @Test
    void aPasswordWithoutCertificateIsRefused() {
        Map<String, String> values = minimal();
        values.put("till.host", "127.0.0.1");
        values.put("till.tls.passwordFile", "/etc/heitje/till-password");

        assertThrows(ConfigException.class, () -> load(values));
    }

    @Test
    void theMetricsTokenIsOptionalLongAndNotTheTillsToken() {
        Map<String, String> values = minimal();
        values.put("till.host", "127.0.0.1");
        assertTrue(load(values).till().metricsToken().isEmpty(), "no token: no metrics served");

        values.put("metrics.token", "short");
        assertTrue(assertThrows(ConfigException.class, () -> load(values)).getMessage().contains("metrics.token"));
        values.put("metrics.token", values.get("till.apiToken"));
        assertTrue(assertThrows(ConfigException.class, () -> load(values)).getMessage().contains("must differ"));
        values.put("metrics.token", "a-metrics-token-of-enough-length");
        assertEquals("a-metrics-token-of-enough-length", load(values).till().metricsToken().orElseThrow());
        assertTrue(!load(values).till().toString().contains("a-metrics-token"), "never in the config's text");
    }
}
