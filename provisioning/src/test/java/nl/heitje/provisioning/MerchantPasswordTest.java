// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import nl.heitje.config.SlowHash;
import nl.heitje.config.TerminalConfig;
import nl.heitje.config.TerminalConfigDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code provision merchant-password}: only the hash lands in the config, which otherwise stays as it was. */
class MerchantPasswordTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path config = dir.resolve("terminal.properties");
        new TerminalConfigDraft()
                .merchant("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")
                .token("HEIT", 31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Heerlens Heitje", "1", 2)
                .chain("http://127.0.0.1:8545", null)
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dir.resolve("journal.db"))
                .settlementKey(BigInteger.valueOf(12345))
                .write(config, "MerchantPasswordTest");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        return config;
    }

    private int run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void storesOnlyTheSlowHashAndReplacesAnEarlierOne() throws Exception {
        Path config = config();
        Path secret = dir.resolve("password");
        Files.writeString(secret, "first merchant password\n");
        assertEquals(0, run("merchant-password", "--config", config.toString(), "--password-file", secret.toString()));
        Files.writeString(secret, "second merchant password\n");

        assertEquals(0, run("merchant-password", "--config", config.toString(), "--password-file", secret.toString()));

        String text = Files.readString(config);
        assertFalse(text.contains("merchant password"), "never the password itself");
        assertEquals(1, text.lines().filter(l -> l.startsWith("merchant.passwordHash=")).count(), text);
        String hash = TerminalConfig.load(config).merchantWeb().passwordHash().orElseThrow();
        assertTrue(SlowHash.matches("second merchant password".toCharArray(), hash));
        assertFalse(SlowHash.matches("first merchant password".toCharArray(), hash));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertTrue(text.contains("an-api-token-of-enough-length"), "the rest is kept: " + text);
    }

    @Test
    void refusesAShortPasswordAndLeavesTheConfigAlone() throws Exception {
        Path config = config();
        String before = Files.readString(config);
        Path secret = dir.resolve("password");
        Files.writeString(secret, "short\n");

        assertEquals(1, run("merchant-password", "--config", config.toString(), "--password-file", secret.toString()));

        assertEquals(before, Files.readString(config));
    }
}
