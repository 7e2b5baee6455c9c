// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import nl.heitje.config.ConfigException;
import nl.heitje.config.PasswordFile;
import nl.heitje.config.TerminalConfig;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.crypto.exception.CipherException;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The merchant's registration request for the municipality: who the shop is (name, KvK number), where it is paid
 * (payout address), which terminal settles for it (the terminal address) on which chain and tokens, signed by the
 * terminal's key so the municipality knows the request comes from the device holding that key.
 */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the merchant's registration request for the municipality, signed by the terminal key"
                + " (EIP-191 personal_sign over its canonical JSON), as DIR/registration.json and as a QR code,"
                + " DIR/registration.png, to hand over or show.",
                "With --dev-chain (a local anvil chain, id 31337, which has no municipal registry contract) it also"
                + " performs the registration as far as a dev chain has one: it funds the terminal address with gas"
                + " from anvil's development account 0, so settlement can pay for its transactions."})
final class Register implements Callable<Integer> {
    static final String REQUEST_FILE = "registration.json";
    static final String QR_FILE = "registration.png";
    static final long DEV_CHAIN_ID = 31337;
    /** anvil's development account 0, from its public test mnemonic: holds dev-chain ether and nothing else. */
    private static final String ANVIL_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final BigDecimal DEV_GAS_ETHER = BigDecimal.ONE;
    private static final int QR_PIXELS = 600;

    @Option(names = "--dir", required = true, description = "The terminal's directory, as given to provision init.")
    Path dir;
    @Option(names = "--password-file", description = "The keystore password's file; by default the one"
            + " terminal.properties names (settlement.passwordFile).")
    Path passwordFile;
    @Option(names = "--dev-chain", description = "Also fund the terminal with gas from anvil's account 0 (local"
            + " dev chain id 31337 only; refused on any other chain).")
    boolean devChain;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            return register();
        } catch (Provision.Refusal refusal) {
            spec.commandLine().getErr().println("provision: " + refusal.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    private int register() throws Exception {
        Path configFile = dir.resolve(Provision.CONFIG_FILE);
        TerminalConfig config;
        try {
            config = TerminalConfig.load(configFile);
        } catch (ConfigException invalid) {
            throw new Provision.Refusal(invalid.getMessage().replaceAll("\\s*\\R\\s*", " "));
        }
        if (config.merchant().name().isEmpty() || config.merchant().kvk().isEmpty()) {
            throw new Provision.Refusal(configFile + " has no merchant.name and merchant.kvk: run provision init first");
        }
        if (!(config.settlement().key() instanceof TerminalConfig.KeystoreKey keystoreKey)) {
            throw new Provision.Refusal(configFile + " has no settlement.keystore: run provision init first");
        }
        Path password = passwordFile != null ? passwordFile : keystoreKey.passwordFile();
        Credentials terminal;
        try {
            terminal = TerminalKeystore.open(keystoreKey.keystore(), PasswordFile.read(password));
        } catch (CipherException wrongPassword) {
            throw new Provision.Refusal("the password in " + password + " does not open " + keystoreKey.keystore());
        } catch (IOException unreadable) {
            throw new Provision.Refusal("cannot open the keystore " + keystoreKey.keystore() + " with the password in "
                    + password + " (" + Provision.rootCause(unreadable) + ")");
        }

        Map<String, Object> request = request(config, terminal.getAddress(), Instant.now().getEpochSecond());
        String canonical = canonicalJson(request);
        Sign.SignatureData signature = Sign.signPrefixedMessage(canonical.getBytes(StandardCharsets.UTF_8),
                terminal.getEcKeyPair());
        Map<String, Object> signed = new LinkedHashMap<>();
        signed.put("request", request);
        signed.put("signer", terminal.getAddress());
        signed.put("signature", signatureHex(signature));
        byte[] json = canonicalJson(signed).getBytes(StandardCharsets.UTF_8);

        if (devChain) {
            fundWithGas(config, terminal.getAddress());
        }
        Path requestFile = dir.resolve(REQUEST_FILE);
        Path qrFile = dir.resolve(QR_FILE);
        writeAtomically(requestFile, json);
        writeAtomically(qrFile, qrPng(new String(json, StandardCharsets.UTF_8)));
        PrintWriter err = spec.commandLine().getErr();
        err.println("registration request: " + requestFile + " (QR: " + qrFile + "), signed by " + terminal.getAddress());
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.println("registration: " + requestFile);
        out.flush();
        return 0;
    }

    /** What the municipality registers; every value a string or a list of strings, so the JSON is unambiguous. */
    static Map<String, Object> request(TerminalConfig config, String terminalAddress, long timestamp) {
        Map<String, Object> request = new TreeMap<>();
        request.put("merchantName", config.merchant().name().orElseThrow());
        request.put("kvk", config.merchant().kvk().orElseThrow());
        request.put("payout", config.merchant().address());
        request.put("terminal", terminalAddress);
        request.put("chainId", Long.toString(config.primaryToken().chainId()));
        request.put("tokens", config.tokens().stream().map(TerminalConfig.TokenSettings::contract).toList());
        request.put("timestamp", Long.toString(timestamp));
        return request;
    }

    /**
     * The canonical form that is signed: keys sorted at every level, no white space, UTF-8. A verifier parses the
     * file, re-serialises {@code request} the same way, and checks the EIP-191 signature over those bytes.
     */
    static String canonicalJson(Map<String, Object> value) {
        ObjectMapper mapper = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the registration request", e);
        }
    }

    /** r ‖ s ‖ v, the 65-byte form wallets and ethers produce for personal_sign. */
    private static String signatureHex(Sign.SignatureData signature) {
        byte[] joined = new byte[65];
        System.arraycopy(signature.getR(), 0, joined, 0, 32);
        System.arraycopy(signature.getS(), 0, joined, 32, 32);
        joined[64] = signature.getV()[0];
        return Numeric.toHexString(joined);
    }

    private void fundWithGas(TerminalConfig config, String terminalAddress) throws Provision.Refusal {
        Web3j web3j = Web3j.build(new HttpService(config.chain().rpcUrl().toString()));
        try {
            BigInteger chainId = web3j.ethChainId().send().getChainId();
            if (chainId.longValueExact() != DEV_CHAIN_ID) {
                throw new Provision.Refusal("--dev-chain is for a local anvil chain (id " + DEV_CHAIN_ID + "); "
                        + config.chain().rpcUrl() + " is chain " + chainId);
            }
            var receipt = Transfer.sendFunds(web3j, Credentials.create(ANVIL_ACCOUNT_0), terminalAddress,
                    DEV_GAS_ETHER, Convert.Unit.ETHER).send();
            if (!receipt.isStatusOK()) {
                throw new Provision.Refusal("funding the terminal with gas failed in " + receipt.getTransactionHash());
            }
            spec.commandLine().getErr().println("dev chain: funded " + terminalAddress + " with " + DEV_GAS_ETHER
                    + " ether for gas (" + receipt.getTransactionHash() + ")");
        } catch (Provision.Refusal refusal) {
            throw refusal;
        } catch (Exception unreachable) {
            throw new Provision.Refusal("cannot fund the terminal on " + config.chain().rpcUrl() + " ("
                    + Provision.rootCause(unreachable) + ")");
        } finally {
            web3j.shutdown();
        }
    }

    private static byte[] qrPng(String text) throws IOException {
        try {
            var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, QR_PIXELS, QR_PIXELS,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.CHARACTER_SET,
                            "UTF-8", EncodeHintType.MARGIN, 4));
            var png = new java.io.ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", png);
            return png.toByteArray();
        } catch (WriterException tooLong) {
            throw new IOException("the registration request does not fit in a QR code", tooLong);
        }
    }

    private static void writeAtomically(Path file, byte[] content) throws Provision.Refusal {
        try {
            AtomicFiles.replace(file, content);
        } catch (IOException unwritable) {
            throw new Provision.Refusal("cannot write " + file + " (" + Provision.rootCause(unwritable) + ")");
        }
    }
}
