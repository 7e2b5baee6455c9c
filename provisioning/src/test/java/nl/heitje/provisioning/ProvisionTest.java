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

    private int provision(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    /** A port nothing listens on: bound by us, then released. */
    private static int closedPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The scripted form; the chain behind it is never reached by the refusals tested here except where said. */
    private String[] init(String... replaced) throws java.io.IOException {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("--dir", dir.toString());
        options.put("--merchant-name", "Bakkerij De Heit");
        options.put("--kvk", "12345678");
        options.put("--payout", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        options.put("--chain-rpc", "http://127.0.0.1:" + closedPort());
        options.put("--token", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        options.put("--password-file", passwordFile().toString());
        for (int i = 0; i < replaced.length; i += 2) {
            options.put(replaced[i], replaced[i + 1]);
        }
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("init", "--non-interactive"));
        options.forEach((option, value) -> {
            if (value != null) {
                args.add(option);
                args.add(value);
            }
        });
        return args.toArray(String[]::new);
    }

    private java.util.Set<String> files() throws java.io.IOException {
        try (var listed = Files.list(dir)) {
            return listed.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Exit 1, exactly one line on standard error, and the directory as it was. */
    private String refusedInOneLine(String... replaced) throws Exception {
        String[] args = init(replaced);
        java.util.Set<String> before = files();
        StringWriter out = new StringWriter();
        assertEquals(1, provision(out, args), out.toString());
        String text = out.toString().strip();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.startsWith("provision: "), text);
        assertEquals(before, files(), "nothing is written or left behind");
        return text;
    }

    @Test
    void aWeakPasswordIsRefusedInOneLineLeavingNothingBehind() throws Exception {
        Path weak = dir.resolve("weak-password");
        Files.writeString(weak, "short\n");

        assertEquals("provision: the keystore password must be at least 12 characters",
                refusedInOneLine("--password-file", weak.toString()));
    }

    @Test
    void malformedAddressesAreRefusedNamingTheOption() throws Exception {
        assertTrue(refusedInOneLine("--payout", "0x1234").contains("--payout is not an address"));
        assertTrue(refusedInOneLine("--token", "0xZZbDB2315678afecb367f032d93F642f64180aa3").contains("--token is not"));
        assertTrue(refusedInOneLine("--batcher", "batcher").contains("--batcher is not an address"));
    }

    @Test
    void aKvkNumberIsEightDigits() throws Exception {
        assertTrue(refusedInOneLine("--kvk", "1234567").contains("--kvk must be the 8 digits"));
        assertTrue(refusedInOneLine("--kvk", "1234567a").contains("--kvk must be the 8 digits"));
    }

    @Test
    void anUnreachableRpcIsRefusedInOneLine() throws Exception {
        String line = refusedInOneLine();
        assertTrue(line.startsWith("provision: cannot reach the chain RPC http://127.0.0.1:"), line);
    }

    @Test
    void aMissingValueIsAnErrorWhenNonInteractive() throws Exception {
        assertEquals("provision: missing --kvk (the KvK number (8 digits))", refusedInOneLine("--kvk", null));
    }

    @Test
    void aDirectoryThatDoesNotExistIsRefused() throws Exception {
        String line = refusedInOneLine("--dir", dir.resolve("absent").toString());
        assertTrue(line.contains("is not a directory"), line);
    }

    @Test
    void theKeptKeystoreMustOpenWithTheGivenPassword() throws Exception {
        TerminalKeystore.write(dir.resolve("keystore.json"), PASSWORD, org.web3j.crypto.Keys.createEcKeyPair());
        String keystore = Files.readString(dir.resolve("keystore.json"));
        Path other = dir.resolve("other-password");
        Files.writeString(other, "another password, long enough");

        assertTrue(refusedInOneLine("--password-file", other.toString()).contains("does not open the existing keystore"));
        assertEquals(keystore, Files.readString(dir.resolve("keystore.json")), "the key is untouched");

        Files.writeString(dir.resolve("keystore.json"), "{\"version\": 3");
        assertTrue(refusedInOneLine().contains("cannot read the existing keystore"));
    }

    @Test
    void aKeystoreThatIsASymbolicLinkIsNotFollowed() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "not a keystore");
        Files.createSymbolicLink(dir.resolve("keystore.json"), victim);

        assertTrue(refusedInOneLine().contains("is a symbolic link; refusing to follow it"));
        assertEquals("not a keystore", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(dir.resolve("keystore.json")));
    }

    @Test
    void withoutAPasswordFileAndNoConsoleInitSaysWhatToGive() throws Exception {
        assertEquals("provision: no console to ask the keystore password on: give --password-file FILE",
                refusedInOneLine("--password-file", null));
    }

    @Test
    void registerBeforeInitSaysSoInOneLineAndWritesNothing() throws Exception {
        java.util.Set<String> before = files();
        StringWriter out = new StringWriter();

        assertEquals(1, provision(out, "register", "--dir", dir.toString()));

        String text = out.toString().strip();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.startsWith("provision: ") && text.contains("terminal.properties"), text);
        assertEquals(before, files());
    }

    @Test
    void theManagerPinIsKeptAsASlowSaltedHashTheConfigLoaderAccepts() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String pin = ManagerPin.random(random);
        assertTrue(pin.matches("[0-9]{6}"), pin);
        String hash = ManagerPin.hash(pin, random);
        assertTrue(hash.startsWith("pbkdf2-sha256$210000$"), hash);
        assertFalse(hash.contains(pin));
        assertNotEquals(hash, ManagerPin.hash(pin, random), "a fresh salt each time");
        assertTrue(ManagerPin.matches(pin, hash));
        assertFalse(ManagerPin.matches(pin.equals("000000") ? "000001" : "000000", hash));
    }

    @Test
    void anUnknownServiceGroupIsRefusedInOneLine() throws Exception {
        assertEquals("provision: --service-group: no group named no-such-group-here on this system",
                refusedInOneLine("--service-group", "no-such-group-here"));
    }

    @Test
    void withAServiceGroupTheKeystoreIsCreatedReadableByItFromTheStart() throws Exception {
        Path keystore = dir.resolve("keystore.json");

        TerminalKeystore.write(keystore, PASSWORD, org.web3j.crypto.Keys.createEcKeyPair(),
                java.util.Optional.of("daemon"));

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        assertEquals("daemon", Files.readAttributes(keystore, java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).group().getName());
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
}
