// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.protocol.ObjectMapperFactory;

class SettlementKeysTest {
    private static final String PASSWORD = "correct horse battery staple";
    @TempDir
    Path dir;
    private Path config;
    private Path keystore;
    private Path passwordFile;
    private ECKeyPair key;

    @BeforeEach
    void aKeystoreBesideTheConfig() throws Exception {
        config = dir.resolve("terminal.properties");
        keystore = dir.resolve("keystore.json");
        passwordFile = dir.resolve("password");
        key = Keys.createEcKeyPair();
        // web3j's light scrypt cost: these tests are about the errors, not the cost.
        Files.write(keystore, ObjectMapperFactory.getObjectMapper().writeValueAsBytes(Wallet.createLight(PASSWORD, key)));
        Files.writeString(passwordFile, PASSWORD + "\n");
    }

    private TerminalConfig.KeystoreKey configured() {
        return new TerminalConfig.KeystoreKey(config, keystore, passwordFile);
    }

    @Test
    void opensTheKeystoreWithThePasswordFromItsFile() {
        assertEquals(key.getPrivateKey(), SettlementKeys.open(configured()).getEcKeyPair().getPrivateKey());
    }

    @Test
    void aDevKeyIsTakenAsItIs() {
        assertEquals("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf",
                SettlementKeys.open(new TerminalConfig.DevPrivateKey("0x" + "0".repeat(63) + "1")).getAddress());
    }

    @Test
    void aWrongPasswordNamesThePasswordFileAndTheKeystoreButNotThePassword() throws Exception {
        Files.writeString(passwordFile, "not the password at all");
        ConfigException wrong = assertThrows(ConfigException.class, () -> SettlementKeys.open(configured()));
        assertEquals(config + ": settlement.passwordFile: the password in " + passwordFile
                + " does not open the keystore " + keystore, wrong.getMessage());
        assertFalse(wrong.getMessage().contains("not the password at all"));
    }

    @Test
    void anUnreadablePasswordFileIsNamed() throws Exception {
        Files.delete(passwordFile);
        ConfigException missing = assertThrows(ConfigException.class, () -> SettlementKeys.open(configured()));
        assertEquals(config + ": settlement.passwordFile: cannot read the password file " + passwordFile
                + ": no such file", missing.getMessage());
    }

    @Test
    void aMissingOrMalformedKeystoreIsNamed() throws Exception {
        Files.writeString(keystore, "{\"version\": 3, \"address\": \"not json enough\"");
        ConfigException truncated = assertThrows(ConfigException.class, () -> SettlementKeys.open(configured()));
        assertTrue(truncated.getMessage().startsWith(config + ": settlement.keystore: " + keystore
                + " is not an Ethereum v3 JSON keystore"), truncated.getMessage());

        Files.writeString(keystore, "{\"version\": 3}");
        ConfigException noCrypto = assertThrows(ConfigException.class, () -> SettlementKeys.open(configured()));
        assertTrue(noCrypto.getMessage().startsWith(config + ": settlement.keystore: " + keystore),
                noCrypto.getMessage());

        Files.delete(keystore);
        ConfigException missing = assertThrows(ConfigException.class, () -> SettlementKeys.open(configured()));
        assertEquals(config + ": settlement.keystore: cannot read the keystore file " + keystore + ": no such file",
                missing.getMessage());
    }
}
