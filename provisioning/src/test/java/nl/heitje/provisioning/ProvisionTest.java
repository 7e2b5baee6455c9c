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

    private static final String PASSWORD = "a password of enough length";

    private Path passwordFile() {
        Path file = dir.resolve("keystore-password");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, PASSWORD + "\n");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    private String address(StringWriter out) {
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^terminal address: (0x[0-9a-f]{40})$")
                .matcher(out.toString());
        assertTrue(line.find(), out.toString());
        return line.group(1);
    }

    private int provision(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    private String[] init(Path config, String... extra) {
        String[] base = {"init", "--config", config.toString(), "--merchant", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                "--rpc-url", "http://127.0.0.1:8545", "--chain-id", "31337",
                "--token", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "--journal", dir.resolve("j.db").toString(),
                "--password-file", passwordFile().toString()};
        if (java.util.Arrays.asList(extra).contains("--password-file")) {
            base = java.util.Arrays.copyOf(base, base.length - 2); // the test names its own
        }
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
    void initWritesTheKeyIntoAnEncryptedKeystoreReadableByItsOwnerOnly() throws Exception {
        Path config = dir.resolve("terminal.properties");
        StringWriter out = new StringWriter();

        assertEquals(0, provision(out, init(config)), out.toString());

        Path keystore = dir.resolve("keystore.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)));
        var key = (TerminalConfig.KeystoreKey) TerminalConfig.load(config).settlement().key();
        assertEquals(keystore, key.keystore());
        assertEquals(passwordFile(), key.passwordFile());
        String json = Files.readString(keystore);
        assertTrue(json.contains("\"kdf\":\"scrypt\"") && json.contains("\"n\":32768"), json);
        org.web3j.crypto.Credentials opened = TerminalKeystore.open(keystore, PASSWORD);
        assertEquals(address(out), opened.getAddress());
        String hex = opened.getEcKeyPair().getPrivateKey().toString(16);
        assertFalse(out.toString().contains(hex) || Files.readString(config).contains(hex),
                "the plain key is neither printed nor in the config");
        assertFalse(Files.readString(config).contains("settlement.privateKey"));
        try (var left = Files.list(dir)) {
            assertEquals(java.util.Set.of("terminal.properties", "keystore.json", "keystore-password"),
                    left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "no temporary file is left behind");
        }
    }

    @Test
    void initRefusesToOverwriteAnExistingConfigUnlessForcedAndKeepsTheKeyUnlessRotated() throws Exception {
        Path config = dir.resolve("terminal.properties");
        StringWriter first = new StringWriter();
        assertEquals(0, provision(first, init(config)), first.toString());
        String firstToken = TerminalConfig.load(config).till().apiToken();

        StringWriter refused = new StringWriter();
        assertEquals(1, provision(refused, init(config)));
        assertTrue(refused.toString().contains("--force"));
        assertEquals(firstToken, TerminalConfig.load(config).till().apiToken());

        StringWriter forced = new StringWriter();
        assertEquals(0, provision(forced, init(config, "--force")), forced.toString());
        assertEquals(address(first), address(forced), "re-running keeps the key");
        assertNotEquals(firstToken, TerminalConfig.load(config).till().apiToken());

        StringWriter rotated = new StringWriter();
        assertEquals(0, provision(rotated, init(config, "--force", "--rotate-key")), rotated.toString());
        assertNotEquals(address(first), address(rotated));
        assertEquals(address(rotated), TerminalKeystore.open(dir.resolve("keystore.json"), PASSWORD).getAddress());
    }

    @Test
    void aWeakPasswordIsRefusedInOneLineLeavingNothingBehind() throws Exception {
        Path config = dir.resolve("terminal.properties");
        Path weak = dir.resolve("weak-password");
        Files.writeString(weak, "short\n");
        StringWriter out = new StringWriter();

        assertEquals(1, provision(out, init(config, "--password-file", weak.toString())));

        assertEquals("provision: the keystore password must be at least 12 characters", out.toString().strip());
        assertFalse(Files.exists(config));
        assertFalse(Files.exists(dir.resolve("keystore.json")));
    }

    @Test
    void theKeptKeystoreMustOpenWithTheGivenPassword() throws Exception {
        Path config = dir.resolve("terminal.properties");
        assertEquals(0, provision(new StringWriter(), init(config)));
        String keystore = Files.readString(dir.resolve("keystore.json"));
        Path other = dir.resolve("other-password");
        Files.writeString(other, "another password, long enough");

        StringWriter out = new StringWriter();
        assertEquals(1, provision(out, init(config, "--force", "--password-file", other.toString())));

        assertTrue(out.toString().contains("does not open the existing keystore"), out.toString());
        assertEquals(keystore, Files.readString(dir.resolve("keystore.json")), "the key is untouched");

        Files.writeString(dir.resolve("keystore.json"), "{\"version\": 3");
        StringWriter damaged = new StringWriter();
        assertEquals(1, provision(damaged, init(config, "--force")));
        assertTrue(damaged.toString().contains("cannot read the existing keystore"), damaged.toString());
    }

    @Test
    void aKeystoreThatIsASymbolicLinkIsNotFollowed() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "not a keystore");
        Files.createSymbolicLink(dir.resolve("keystore.json"), victim);
        Path config = dir.resolve("terminal.properties");
        StringWriter out = new StringWriter();

        assertEquals(1, provision(out, init(config, "--rotate-key")));

        assertTrue(out.toString().contains("is a symbolic link; refusing to follow it"), out.toString());
        assertEquals("not a keystore", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(dir.resolve("keystore.json")));
        assertFalse(Files.exists(config));
    }

    @Test
    void theKeystoreWriterReplacesALinkInsteadOfWritingThroughIt() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "not a keystore");
        Path keystore = dir.resolve("keystore.json");
        Files.createSymbolicLink(keystore, victim);
        // A stale temporary file that is a link too, as an attacker might leave it.
        Files.createSymbolicLink(dir.resolve(".keystore.json.new"), victim);

        TerminalKeystore.write(keystore, PASSWORD, org.web3j.crypto.Keys.createEcKeyPair());

        assertEquals("not a keystore", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(keystore));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        assertFalse(Files.exists(dir.resolve(".keystore.json.new"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void withoutAPasswordFileAndNoConsoleInitSaysWhatToGive() {
        Path config = dir.resolve("terminal.properties");
        String[] args = init(config);
        String[] withoutPassword = java.util.Arrays.copyOf(args, args.length - 2);
        StringWriter out = new StringWriter();

        assertEquals(1, provision(out, withoutPassword));

        assertEquals("provision: no console to ask the keystore password on: give --password-file FILE",
                out.toString().strip());
        assertFalse(Files.exists(config));
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
        assertFalse(Files.exists(dir.resolve("keystore.json")), "nor a key");
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
