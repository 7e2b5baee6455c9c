// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merchant web page's keys: the password hash, explorers per chain and session lengths. */
class MerchantWebConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> twoChains() {
        Map<String, String> values = MinimalConfig.values();
        values.put("tokens", "HEIT,MSTR");
        values.put("token.MSTR.chainId", "31338");
        values.put("token.MSTR.contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        values.put("token.MSTR.name", "Mestreechter Sjtuver");
        values.put("token.MSTR.version", "1");
        values.put("chain.31338.rpcUrl", "http://127.0.0.1:9545");
        return values;
    }

    private TerminalConfig load(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return TerminalConfig.load(file);
    }

    @Test
    void withoutItsKeysNobodyCanLogInAndSessionsHaveDocumentedLengths() {
        MerchantWeb web = load(twoChains()).merchantWeb();

        assertEquals(Optional.empty(), web.passwordHash());
        assertEquals(Map.of(), web.explorerTxUrls());
        assertEquals(Duration.ofMinutes(15), web.sessionIdle());
        assertEquals(Duration.ofHours(12), web.sessionMaximum());
    }

    @Test
    void readsTheHashAndAnExplorerPerChainWithTheCommonOneAsFallback() {
        String hash = SlowHash.hash("a long merchant password".toCharArray(), new SecureRandom());
        Map<String, String> values = twoChains();
        values.put("merchant.passwordHash", hash);
        values.put("merchant.explorerTxUrl", "https://explorer.example/tx/{hash}");
        values.put("merchant.explorerTxUrl.31338", "https://other.example/transaction/{hash}?x=1");
        values.put("merchant.sessionIdleMinutes", "5");
        values.put("merchant.sessionMaxHours", "2");

        TerminalConfig config = load(values);

        MerchantWeb web = config.merchantWeb();
        assertEquals(Optional.of(hash), web.passwordHash());
        assertTrue(SlowHash.matches("a long merchant password".toCharArray(), web.passwordHash().get()));
        assertFalse(SlowHash.matches("a long merchant passworD".toCharArray(), web.passwordHash().get()));
        assertEquals(Map.of(31337L, "https://explorer.example/tx/{hash}",
                31338L, "https://other.example/transaction/{hash}?x=1"), web.explorerTxUrls());
        assertEquals(Duration.ofMinutes(5), web.sessionIdle());
        assertEquals(Duration.ofHours(2), web.sessionMaximum());
        assertFalse(config.toString().contains(hash), "the hash stays out of the record's text");
    }

    @Test
    void refusesAWeakHashAnExplorerWithoutItsPlaceholderAndAChainItDoesNotKnow() {
        Map<String, String> weak = twoChains();
        weak.put("merchant.passwordHash", "pbkdf2-sha256$1000$" + "A".repeat(22) + "==$" + "B".repeat(43) + "=");
        assertRefused(weak, "merchant.passwordHash");

        Map<String, String> noPlaceholder = twoChains();
        noPlaceholder.put("merchant.explorerTxUrl", "https://explorer.example/tx/");
        assertRefused(noPlaceholder, "merchant.explorerTxUrl");

        Map<String, String> script = twoChains();
        script.put("merchant.explorerTxUrl.31337", "javascript:alert(1)//{hash}");
        assertRefused(script, "merchant.explorerTxUrl.31337");

        Map<String, String> unknownChain = twoChains();
        unknownChain.put("merchant.explorerTxUrl.1", "https://explorer.example/tx/{hash}");
        assertRefused(unknownChain, "merchant.explorerTxUrl.1");
    }

    private void assertRefused(Map<String, String> values, String key) {
        ConfigException refused = assertThrows(ConfigException.class, () -> load(values));
        assertTrue(refused.getMessage().contains(key), refused.getMessage());
    }
}
