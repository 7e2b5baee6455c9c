// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nl.heitje.config.TerminalConfigDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The self-test without a chain; against a real one it runs in the simulator's ProvisionCheckIT. */
class CheckTest {
    @TempDir
    Path dir;

    private TerminalConfigDraft draft(String rpcUrl) {
        return new TerminalConfigDraft()
                .merchant("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")
                .token("HEIT", 31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3", "Heerlens Heitje", "1", 2)
                .chain(rpcUrl, null)
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dir.resolve("journal.db"))
                .set("card.reader", "none");
    }

    private List<String> check(int expectedExit, Path config) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertEquals(expectedExit, cli.execute("check", "--config", config.toString(), "--timeout-seconds", "5"),
                out.toString());
        return out.toString().lines().toList();
    }

    private static String line(List<String> lines, String start) {
        return lines.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + start + " in " + lines));
    }

    @Test
    void anInvalidConfigIsOneFailNamingTheFileAndTheKey() {
        Path config = dir.resolve("terminal.properties");
        draft("http://127.0.0.1:8545").settlementKey(BigInteger.valueOf(12345)).set("till.port", "not a port").write(config, "CheckTest");
        List<String> lines = check(1, config);
        String failure = line(lines, "FAIL config valid: ");
        assertTrue(failure.contains(config.toString()) && failure.contains("till.port"), failure);
    }

    @Test
    void everyCheckRunsWhenTheChainIsUnreachableAndOnlyTheChainChecksFail() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path scanner = Files.writeString(dir.resolve("event-kbd"), "");
        Path config = dir.resolve("terminal.properties");
        draft("http://127.0.0.1:" + closedPort).settlementKey(BigInteger.valueOf(12345)).set("scanner.hid.device", scanner.toString())
                .set("scanner.serial.port", dir.resolve("no-such-tty").toString()).write(config, "CheckTest");
        List<String> lines = check(1, config);

        assertTrue(line(lines, "PASS config valid").contains(config.toString()));
        assertTrue(line(lines, "PASS settlement key: settlement.privateKey").contains("dev chains only"));
        assertTrue(line(lines, "FAIL chain reachable: ").contains("127.0.0.1:" + closedPort), lines.toString());
        line(lines, "FAIL token HEIT EIP-712 domain: ");
        line(lines, "FAIL gas balance for 100 settlements: ");
        line(lines, "FAIL clock synchronised: ");
        assertTrue(line(lines, "PASS journal hash chain").contains("new terminal"));
        assertEquals("SKIP card reader: none configured (card.reader=none)", line(lines, "SKIP card reader"));
        assertTrue(line(lines, "PASS QR scanner (USB keyboard)").contains("present and readable"));
        assertTrue(line(lines, "FAIL QR scanner (serial)").contains("does not exist (scanner.serial.port)"));
        assertEquals("SKIP LEDs blink: GPIO not enabled (gpio.enabled=false)", line(lines, "SKIP LEDs blink"));
        assertEquals("check: something FAILED (see above)", lines.get(lines.size() - 1));
    }

    @Test
    void aKeystoreTheConfiguredPasswordDoesNotOpenFailsNamingThePasswordFile() throws Exception {
        Path keystore = dir.resolve("keystore.json");
        TerminalKeystore.write(keystore, "the password it was made with",
                org.web3j.crypto.Keys.createEcKeyPair());
        Path password = Files.writeString(dir.resolve("keystore-password"), "another password entirely\n");
        Path config = dir.resolve("terminal.properties");
        draft("http://127.0.0.1:1").settlementKeystore(keystore, password).write(config, "CheckTest");
        List<String> lines = check(1, config);
        String failure = line(lines, "FAIL keystore opens: ");
        assertTrue(failure.contains("settlement.passwordFile") && failure.contains(password.toString()), failure);
        assertTrue(lines.stream().noneMatch(l -> l.contains("another password entirely")), lines.toString());
    }

    @Test
    void aPasswordLeftToTheSystemdCredentialIsLookedForWhereTheServiceGetsIt() throws Exception {
        Path keystore = dir.resolve("keystore.json");
        TerminalKeystore.write(keystore, "the password it was made with", org.web3j.crypto.Keys.createEcKeyPair());
        Path config = dir.resolve("terminal.properties");
        draft("http://127.0.0.1:1").settlementKeystore(keystore).write(config, "CheckTest");
        List<String> lines = check(1, config);
        line(lines, "PASS config valid");
        String failure = line(lines, "FAIL keystore opens: ");
        assertTrue(failure.contains("/run/credentials/heitje-terminal.service/heitje-keystore-password")
                && failure.contains("systemd credential: run this as root while heitje-terminal runs"), failure);
    }
}
