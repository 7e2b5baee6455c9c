// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import nl.heitje.config.TerminalConfig;
import nl.heitje.provisioning.Provision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/**
 * {@code provision init} and {@code register} as an installer runs them, against a real anvil chain with the real
 * token: the happy path, and each bad input refused in one line with nothing written.
 */
class ProvisionIT {
    private static final String PASSWORD = "a password for the counter";
    private static LocalChain chain;

    @TempDir
    Path dir;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(EthersSigner.chainDir());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run provision(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Provision());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path passwordFile() throws Exception {
        Path file = dir.resolve("keystore-password");
        if (!Files.exists(file)) {
            Files.writeString(file, PASSWORD + "\n");
        }
        return file;
    }

    private String[] init(String... replaced) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--dir", dir.toString());
        options.put("--merchant-name", "Bakkerij De Heit");
        options.put("--kvk", "12345678");
        options.put("--payout", LocalChain.MERCHANT.getAddress());
        options.put("--chain-rpc", chain.rpcUrl());
        options.put("--token", chain.token());
        options.put("--batcher", chain.batcher());
        options.put("--password-file", passwordFile().toString());
        for (int i = 0; i < replaced.length; i += 2) {
            options.put(replaced[i], replaced[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("init", "--non-interactive"));
        options.forEach((option, value) -> {
            args.add(option);
            if (value != null) { // null: a flag without a value
                args.add(value);
            }
        });
        return args.toArray(String[]::new);
    }

    private Set<String> files() throws Exception {
        try (var listed = Files.list(dir)) {
            return listed.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private String refusedInOneLine(String... replaced) throws Exception {
        String[] args = init(replaced);
        Set<String> before = files();
        Run run = provision(args);
        assertEquals(1, run.exit(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertEquals(before, files(), "nothing is written or left behind");
        return run.err().strip();
    }

    @Test
    void initThenRegisterOnTheDevChainGivesASignedRequestAndAFundedTerminal() throws Exception {
        Run init = provision(init());
        assertEquals(0, init.exit(), init.err());

        Matcher printed = Pattern.compile("terminal address: (0x[0-9a-f]{40})\n").matcher(init.out());
        assertTrue(printed.matches(), "exactly one line on standard output: " + init.out());
        String terminal = printed.group(1);
        assertEquals(terminal, EthersSigner.keystoreAddress(Files.readString(dir.resolve("keystore.json")), PASSWORD));
        assertEquals(Set.of("terminal.properties", "keystore.json", "till-tls.p12", "keystore-password"), files());
        for (String secret : List.of("terminal.properties", "keystore.json", "till-tls.p12")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(secret))));
        }

        TerminalConfig config = TerminalConfig.load(dir.resolve("terminal.properties"));
        assertEquals(LocalChain.MERCHANT.getAddress(), config.merchant().address());
        assertEquals("Bakkerij De Heit", config.merchant().name().orElseThrow());
        assertEquals("12345678", config.merchant().kvk().orElseThrow());
        TerminalConfig.TokenSettings token = config.primaryToken();
        assertEquals(List.of(LocalChain.TOKEN_SYMBOL, LocalChain.CHAIN_ID, LocalChain.TOKEN_NAME,
                        LocalChain.TOKEN_VERSION, LocalChain.DECIMALS),
                List.of(token.symbol(), token.chainId(), token.eip712Name(), token.eip712Version(), token.decimals()),
                "read from the chain, not assumed");
        assertEquals(chain.batcher(), config.chain().batchContract().orElseThrow());
        assertEquals(dir.resolve("journal.db").toAbsolutePath(), config.storage().journal());

        Matcher pin = Pattern.compile("(?m)^manager PIN: ([0-9]{6}), write it down").matcher(init.err());
        assertTrue(pin.find(), init.err());
        String hash = config.manager().pinHash().orElseThrow();
        assertFalse(Files.readString(dir.resolve("terminal.properties")).contains(pin.group(1) + "\n"));
        assertTrue(pbkdf2Matches(pin.group(1), hash), "the printed PIN is the hashed one");
        assertFalse(pbkdf2Matches(pin.group(1).equals("000000") ? "000001" : "000000", hash));
        assertFalse(init.err().contains(config.till().apiToken()), "the till API token stays in the file");

        Run register = provision("register", "--dir", dir.toString(), "--dev-chain");
        assertEquals(0, register.exit(), register.err());
        JsonNode signed = new ObjectMapper().readTree(Files.readString(dir.resolve("registration.json")));
        JsonNode request = signed.get("request");
        assertEquals("Bakkerij De Heit", request.get("merchantName").asText());
        assertEquals("12345678", request.get("kvk").asText());
        assertEquals(LocalChain.MERCHANT.getAddress(), request.get("payout").asText());
        assertEquals(terminal, request.get("terminal").asText());
        assertEquals("31337", request.get("chainId").asText());
        assertEquals(chain.token(), request.get("tokens").get(0).asText());
        assertTrue(Math.abs(request.get("timestamp").asLong() - System.currentTimeMillis() / 1000) < 3600);

        // Verified as the municipality would: re-serialise the request canonically, recover the signer.
        String canonical = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .writeValueAsString(new ObjectMapper().treeToValue(request, Map.class));
        byte[] signature = Numeric.hexStringToByteArray(signed.get("signature").asText());
        BigInteger recovered = Sign.signedPrefixedMessageToKey(canonical.getBytes(StandardCharsets.UTF_8),
                new Sign.SignatureData(signature[64], java.util.Arrays.copyOfRange(signature, 0, 32),
                        java.util.Arrays.copyOfRange(signature, 32, 64)));
        assertEquals(terminal, "0x" + Keys.getAddress(recovered));
        assertEquals(terminal, EthersSigner.messageSigner(canonical, signed.get("signature").asText()),
                "ethers, not our code, recovers the terminal as the signer");

        var image = javax.imageio.ImageIO.read(dir.resolve("registration.png").toFile());
        String qr = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText();
        assertEquals(new ObjectMapper().readTree(qr), signed, "the QR carries the same signed request");

        BigInteger gas = chain.web3j().ethGetBalance(terminal, DefaultBlockParameterName.LATEST).send().getBalance();
        assertTrue(gas.signum() > 0, "the dev chain funded the terminal with gas");

        String fingerprint = PinnedHttp.printedFingerprint(init.err());
        assertEquals(fingerprint, tillCertificateFingerprint(), "the printed fingerprint is the stored certificate's");
        assertEquals(dir.resolve("till-tls.p12").toAbsolutePath(), config.till().tls().orElseThrow().keystore());

        Run again = provision(init("--force", null));
        assertEquals(0, again.exit(), again.err());
        assertEquals(init.out(), again.out(), "re-running keeps the key");
        assertEquals(fingerprint, PinnedHttp.printedFingerprint(again.err()), "...and the till's certificate");

        Run rotated = provision(init("--force", null, "--rotate-tls", null));
        assertEquals(0, rotated.exit(), rotated.err());
        assertEquals(init.out(), rotated.out(), "a new certificate keeps the key");
        assertFalse(fingerprint.equals(PinnedHttp.printedFingerprint(rotated.err())), "--rotate-tls makes a new one");
        assertEquals(PinnedHttp.printedFingerprint(rotated.err()), tillCertificateFingerprint());
    }

    /** The SHA-256 of the certificate in till-tls.p12, opened with the keystore password as the terminal does. */
    private String tillCertificateFingerprint() throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("till-tls.p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        String alias = java.util.Collections.list(store.aliases()).get(0);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(store.getCertificate(alias).getEncoded());
        return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /**
     * The whole onboarding on the dev chain, as the merchant runs it: init (for the package's service group), register
     * (which funds the terminal's gas on a dev chain), the self-test on the config init wrote, and the sticker.
     */
    @Test
    void theWholeOnboardingInitRegisterCheckStickerOnTheDevChain() throws Exception {
        Run init = provision(init("--service-group", "daemon"));
        assertEquals(0, init.exit(), init.err());
        String terminal = init.out().strip().substring("terminal address: ".length());
        for (String secret : List.of("terminal.properties", "keystore.json", "till-tls.p12")) {
            Path file = dir.resolve(secret);
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), secret);
            assertEquals("daemon", Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class)
                    .group().getName(), secret);
        }
        Run register = provision("register", "--dir", dir.toString(), "--dev-chain");
        assertEquals(0, register.exit(), register.err());

        Run check = provision("check", "--config", dir.resolve("terminal.properties").toString(),
                "--timeout-seconds", "30");
        List<String> lines = check.out().lines().toList();
        String all = check.out() + check.err();
        for (String passed : List.of("PASS config valid", "PASS keystore opens", "PASS chain reachable",
                "PASS token HEIT EIP-712 domain", "PASS gas balance for 100 settlements", "PASS journal hash chain",
                "PASS till API certificate opens, SHA-256 fingerprint " + PinnedHttp.printedFingerprint(init.err()))) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(passed)), passed + " in\n" + all);
        }
        assertTrue(all.toLowerCase().contains(terminal.toLowerCase()), "the keystore line names the terminal");
        assertFalse(all.contains(PASSWORD), "no secret printed");

        Path out = Files.createDirectories(dir.resolve("sticker"));
        Run sticker = provision("sticker", "--config", dir.resolve("terminal.properties").toString(), "--out",
                out.toString(), "--merchant-name", "Bakkerij De Heit");
        assertEquals(0, sticker.exit(), sticker.err());
        var image = javax.imageio.ImageIO.read(out.resolve("sticker.png").toFile());
        String qr = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText();
        assertTrue(qr.toLowerCase().startsWith("ethereum:" + chain.token().toLowerCase() + "@31337/transfer"), qr);
        assertTrue(qr.toLowerCase().contains("address=" + LocalChain.MERCHANT.getAddress().toLowerCase()), qr);
        assertTrue(Files.readString(out.resolve("sticker.pdf"), StandardCharsets.ISO_8859_1).startsWith("%PDF-"));
    }

    private static boolean pbkdf2Matches(String pin, String stored) throws Exception {
        String[] parts = stored.split("\\$");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertTrue(Integer.parseInt(parts[1]) >= 210_000, stored);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(pin.toCharArray(), salt, Integer.parseInt(parts[1]), 256)).getEncoded();
        return java.util.Arrays.equals(derived, Base64.getDecoder().decode(parts[3]));
    }

    @Test
    void aWrongChainIdIsRefused() throws Exception {
        assertEquals("provision: the chain at " + chain.rpcUrl() + " has chain id 31337, not --chain-id 100",
                refusedInOneLine("--chain-id", "100"));
    }

    @Test
    void anAddressWithoutCodeIsRefused() throws Exception {
        String nobody = "0x000000000000000000000000000000000000dead";
        assertEquals("provision: token " + nobody + " has no contract code on chain 31337",
                refusedInOneLine("--token", nobody));
        assertEquals("provision: --batcher " + nobody + " has no contract code on chain 31337",
                refusedInOneLine("--batcher", nobody));
    }

    @Test
    void aContractThatIsNotEip3009IsRefused() throws Exception {
        assertEquals("provision: token " + chain.batcher() + " is not an EIP-3009 token (no authorizationState)",
                refusedInOneLine("--token", chain.batcher()));
    }

    @Test
    void aMalformedAddressAndAWeakPasswordAreRefused() throws Exception {
        assertTrue(refusedInOneLine("--token", "0x1234").startsWith("provision: --token is not an address"));
        Path weak = dir.resolve("weak");
        Files.writeString(weak, "short");
        assertEquals("provision: the keystore password must be at least 12 characters",
                refusedInOneLine("--password-file", weak.toString()));
    }

    @Test
    void anUnreachableRpcIsRefused() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        assertTrue(refusedInOneLine("--chain-rpc", "http://127.0.0.1:" + closed)
                .startsWith("provision: cannot reach the chain RPC http://127.0.0.1:" + closed));
    }

    @Test
    void anUnwritableDirectoryIsRefusedAfterTheChecksPass() throws Exception {
        // /proc refuses new files even to root, so this holds whoever runs the test.
        Run run = provision(init("--dir", "/proc"));
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("provision: cannot write in /proc"), run.err());
        assertFalse(Files.exists(Path.of("/proc/terminal.properties")));
        assertFalse(Files.exists(Path.of("/proc/keystore.json")));
        assertFalse(Files.exists(Path.of("/proc/till-tls.p12")));
    }
}
