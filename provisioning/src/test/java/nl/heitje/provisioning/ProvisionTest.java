// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import nl.heitje.config.TerminalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProvisionTest {
    @TempDir
    Path dir;

    private int provision(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    private String[] init(Path config, String... extra) {
        String[] base = {"init", "--config", config.toString(), "--merchant", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                "--rpc-url", "http://127.0.0.1:8545", "--chain-id", "31337",
                "--token", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "--journal", dir.resolve("j.db").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void initWritesAConfigTheTerminalLoadsWithFreshSecretsReadableByItsOwnerOnly() throws Exception {
        Path config = dir.resolve("terminal.properties");
        StringWriter out = new StringWriter();

        assertEquals(0, provision(out, init(config)), out.toString());

        TerminalConfig loaded = TerminalConfig.load(config);
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", loaded.merchant().address());
        assertEquals(31337, loaded.primaryToken().chainId());
        assertEquals("Heerlens Heitje", loaded.primaryToken().eip712Name());
        assertTrue(loaded.chain().batchContract().isEmpty());
        assertEquals(48, loaded.till().apiToken().length());
        assertTrue(out.toString().contains(loaded.till().apiToken()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    }

    @Test
    void initRefusesToOverwriteAnExistingConfigUnlessForced() throws Exception {
        Path config = dir.resolve("terminal.properties");
        provision(new StringWriter(), init(config));
        String firstKey = TerminalConfig.load(config).settlement().privateKey();

        StringWriter refused = new StringWriter();
        assertEquals(1, provision(refused, init(config)));
        assertTrue(refused.toString().contains("--force"));
        assertEquals(firstKey, TerminalConfig.load(config).settlement().privateKey());

        assertEquals(0, provision(new StringWriter(), init(config, "--force")));
        assertNotEquals(firstKey, TerminalConfig.load(config).settlement().privateKey());
    }

    @Test
    void aBadMerchantAddressFailsAtProvisioningNotAtTheCounter() {
        Path config = dir.resolve("terminal.properties");
        StringWriter out = new StringWriter();
        String[] args = init(config);
        args[4] = "0x1234";
        assertNotEquals(0, provision(out, args));
        assertTrue(out.toString().contains("merchant.address"), out.toString());
        assertFalse(Files.exists(config), "no config is left behind for the terminal to trip over");
        assertFalse(out.toString().contains("settlement.privateKey="));
    }

    @Test
    void initNamesTheDenyListIssuerAndWarnsWhenItIsLeftOut() throws Exception {
        Path withIssuer = dir.resolve("with-issuer.properties");
        StringWriter out = new StringWriter();
        assertEquals(0, provision(out, init(withIssuer, "--deny-list-issuer", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                "--deny-list-url", "https://lists.heerlen.nl/heitje/deny-list")), out.toString());

        var denyList = TerminalConfig.load(withIssuer).storage().denyList();
        assertEquals("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", denyList.issuer().orElseThrow());
        assertEquals("https://lists.heerlen.nl/heitje/deny-list", denyList.url().orElseThrow().toString());
        assertFalse(out.toString().contains("refuses offline approvals"));

        StringWriter withoutIssuer = new StringWriter();
        assertEquals(0, provision(withoutIssuer, init(dir.resolve("without-issuer.properties"))));
        assertTrue(withoutIssuer.toString().contains("refuses offline approvals"), withoutIssuer.toString());
    }

    @Test
    void aPlainHttpDenyListUrlFailsAtProvisioning() {
        Path config = dir.resolve("terminal.properties");
        StringWriter out = new StringWriter();

        assertNotEquals(0, provision(out, init(config, "--deny-list-issuer", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                "--deny-list-url", "http://lists.heerlen.nl/deny-list")));

        assertTrue(out.toString().contains("denyList.url"), out.toString());
        assertFalse(Files.exists(config));
    }
}
