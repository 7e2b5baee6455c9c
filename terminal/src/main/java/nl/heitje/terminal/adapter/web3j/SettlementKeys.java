// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import nl.heitje.config.ConfigException;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;
import org.web3j.crypto.exception.CipherException;
import org.web3j.protocol.ObjectMapperFactory;

/**
 * Opens the terminal's settlement key where its config says it is. A keystore is decrypted here, once, at
 * start-up (scrypt is slow on purpose); every failure is a {@link ConfigException} naming the key and the file,
 * and never contains the password or the key.
 */
public final class SettlementKeys {
    private SettlementKeys() {
    }

    public static Credentials open(TerminalConfig.SettlementKey key) {
        if (key instanceof TerminalConfig.DevPrivateKey dev) {
            return Credentials.create(dev.hex());
        }
        TerminalConfig.KeystoreKey keystore = (TerminalConfig.KeystoreKey) key;
        byte[] json;
        try {
            json = Files.readAllBytes(keystore.keystore());
        } catch (IOException e) {
            throw new ConfigException(keystore.configFile(), "settlement.keystore", "cannot read the keystore file "
                    + keystore.keystore() + reason(e));
        }
        String password;
        try {
            password = PasswordFile.read(keystore.passwordFile());
        } catch (IOException e) {
            throw new ConfigException(keystore.configFile(), "settlement.passwordFile", "cannot read the password file "
                    + keystore.passwordFile() + reason(e));
        }
        WalletFile wallet;
        try {
            wallet = ObjectMapperFactory.getObjectMapper().readValue(json, WalletFile.class);
        } catch (IOException e) {
            throw malformed(keystore, e);
        }
        try {
            return Credentials.create(Wallet.decrypt(password, wallet));
        } catch (CipherException e) {
            if (String.valueOf(e.getMessage()).contains("Invalid password")) {
                throw new ConfigException(keystore.configFile(), "settlement.passwordFile", "the password in "
                        + keystore.passwordFile() + " does not open the keystore " + keystore.keystore());
            }
            throw new ConfigException(keystore.configFile(), "settlement.keystore", keystore.keystore()
                    + " is not a usable keystore: " + e.getMessage());
        } catch (RuntimeException e) {
            // A keystore missing its crypto section, or with fields that are not hex, fails inside web3j's decrypt.
            throw malformed(keystore, e);
        }
    }

    private static ConfigException malformed(TerminalConfig.KeystoreKey keystore, Exception e) {
        return new ConfigException(keystore.configFile(), "settlement.keystore", keystore.keystore()
                + " is not an Ethereum v3 JSON keystore (" + e.getClass().getSimpleName() + ")");
    }

    /** Why a file could not be read, without its content. */
    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? ": no such file" : " (" + e.getClass().getSimpleName() + ")";
    }
}
