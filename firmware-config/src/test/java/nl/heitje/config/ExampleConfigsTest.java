// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example configs under {@code firmware-config/examples/} are loaded with the real loader, so an example can
 * never drift from the format: a renamed or removed key, or a value the loader no longer accepts, fails here.
 * Their placeholders are filled in first; and each placeholder left in alone must make the terminal refuse to
 * start, so a copied example can never run half-filled.
 */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z0-9_]+)>");

    /** What the test puts in place of each placeholder: values of the right shape, nobody's real ones. */
    private static final Map<String, String> FILLED_IN = Map.of(
            "MERCHANT_PAYOUT_ADDRESS", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "CHAIN_ID", "100",
            "TOKEN_CONTRACT_ADDRESS", "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "TOKEN_DEPLOY_BLOCK", "41000000",
            "RPC_HOST", "rpc.example.org",
            "BATCH_CONTRACT_ADDRESS", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
            "SETTLEMENT_KEY_64_HEX_DEV_ONLY", "ab".repeat(32),
            "TILL_API_TOKEN", "0123456789abcdef0123456789abcdef",
            "MUNICIPAL_DENY_LIST_SIGNER_ADDRESS", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "DENY_LIST_HOST", "lists.example.org");

    @TempDir
    Path dir;

    @Test
    void everyBoardAndReaderHasAnExample() {
        assertEquals(Set.of("pi4-acr122u-usb-scanner", "pi5-acr1252u-camera-relay", "pi-zero-2w-serial-scanner"),
                examples().map(file -> file.getParent().getFileName().toString()).collect(Collectors.toSet()));
    }

    @Test
    void everyExampleUsesOnlyKnownPlaceholders() {
        examples().forEach(example -> {
            Set<String> unknown = new TreeSet<>(placeholders(read(example)));
            unknown.removeAll(FILLED_IN.keySet());
            assertTrue(unknown.isEmpty(), example + " has placeholders this test does not fill in: " + unknown);
        });
    }

    @Test
    void theExamplesLoadOnceFilledIn() {
        examples().forEach(example -> {
            TerminalConfig config = TerminalConfig.load(filledIn(example, null));
            assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", config.merchant().address(), example.toString());
            assertEquals(100, config.primaryToken().chainId(), example.toString());
            assertEquals(41_000_000, config.primaryToken().deployBlock(), example.toString());
            assertEquals("https://rpc.example.org/", config.chain().rpcUrl().toString(), example.toString());
            assertTrue(config.storage().denyList().issuer().isPresent(), example + ": no issuer refuses all offline");
        });
    }

    @Test
    void pi4ReadsCardsOnAnAcr122uAndCodesFromAKeyboardWedgeScanner() {
        TerminalConfig.Devices devices = loadFilledIn("pi4-acr122u-usb-scanner").devices();
        assertEquals(Optional.of("ACR122U"), devices.cardReader().orElseThrow().readerName());
        assertEquals(Path.of("/dev/input/by-id/usb-Vendor_Barcode_Scanner-event-kbd"),
                devices.hidScanner().orElseThrow().device());
        assertTrue(devices.serialScanner().isEmpty());
        assertTrue(devices.camera().isEmpty());
        TerminalConfig.Gpio gpio = devices.gpio().orElseThrow();
        assertEquals(Optional.of(17), gpio.greenLed());
        assertEquals(Optional.of(25), gpio.cancelButton());
        assertTrue(gpio.relay().isEmpty(), "no relay on this counter");
    }

    @Test
    void pi5ReadsCardsOnAnAcr1252uAndCodesFromTheCameraAndPulsesARelay() {
        TerminalConfig.Devices devices = loadFilledIn("pi5-acr1252u-camera-relay").devices();
        assertEquals(Optional.of("ACR1252"), devices.cardReader().orElseThrow().readerName());
        TerminalConfig.Camera camera = devices.camera().orElseThrow();
        assertTrue(camera.command().orElseThrow().startsWith("rpicam-vid "));
        assertEquals(640, camera.width());
        assertEquals(480, camera.height());
        assertTrue(devices.pinPad().isPresent());
        assertTrue(devices.hidScanner().isEmpty());
        TerminalConfig.Gpio gpio = devices.gpio().orElseThrow();
        assertEquals(Optional.of(16), gpio.relay());
        assertEquals(Duration.ofMillis(1500), gpio.relayPulse());
    }

    @Test
    void zero2wTakesQrCodesFromASerialScannerAndNoCards() {
        TerminalConfig.Devices devices = loadFilledIn("pi-zero-2w-serial-scanner").devices();
        assertTrue(devices.cardReader().isEmpty(), "card.reader=none");
        TerminalConfig.SerialScanner scanner = devices.serialScanner().orElseThrow();
        assertEquals("/dev/serial/by-id/usb-Vendor_Barcode_Scanner-if00", scanner.port());
        assertEquals(9600, scanner.baud());
        assertEquals("none", scanner.parity());
        TerminalConfig.Gpio gpio = devices.gpio().orElseThrow();
        assertTrue(gpio.blueLed().isEmpty(), "an empty pin key means the part is not fitted");
        assertTrue(gpio.cancelButton().isEmpty());
        assertEquals(Optional.of(23), gpio.yellowLed());
    }

    @Test
    void aPlaceholderLeftInStopsTheTerminalFromStarting() {
        examples().forEach(example -> {
            Set<String> inThisExample = placeholders(read(example));
            assertFalse(inThisExample.isEmpty(), example + " should mark this merchant's values as placeholders");
            for (String leftIn : inThisExample) {
                Path file = filledIn(example, leftIn);
                ConfigException refused = assertThrows(ConfigException.class, () -> TerminalConfig.load(file),
                        example + " with <" + leftIn + "> left in must be refused");
                String key = keyHolding(read(example), leftIn);
                assertTrue(refused.getMessage().contains(key),
                        "the refusal names " + key + ", where <" + leftIn + "> is: " + refused.getMessage());
            }
        });
    }

    @Test
    void noExampleCarriesARealLookingSecret() {
        examples().forEach(example -> {
            String text = read(example);
            assertTrue(text.contains("settlement.privateKey=0x<SETTLEMENT_KEY_64_HEX_DEV_ONLY>"), example.toString());
            assertTrue(text.contains("till.apiToken=<TILL_API_TOKEN>"), example.toString());
        });
    }

    private TerminalConfig loadFilledIn(String board) {
        return TerminalConfig.load(filledIn(EXAMPLES.resolve(board).resolve("terminal.properties"), null));
    }

    /** A copy of the example with every placeholder filled in, except {@code leftIn} (null: none left in). */
    private Path filledIn(Path example, String leftIn) {
        StringBuilder text = new StringBuilder();
        for (String line : read(example).split("\n", -1)) {
            Matcher matcher = PLACEHOLDER.matcher(line);
            while (!isComment(line) && matcher.find()) {
                String name = matcher.group(1);
                String value = name.equals(leftIn) ? matcher.group() : FILLED_IN.get(name);
                matcher.appendReplacement(text, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(text);
            text.append('\n');
        }
        Path copy = dir.resolve(example.getParent().getFileName() + (leftIn == null ? "" : "-" + leftIn)
                + ".properties");
        try {
            return Files.writeString(copy, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The (first) key whose value holds the placeholder: the one a refusal must name. */
    private static String keyHolding(String text, String placeholder) {
        return text.lines().filter(line -> !isComment(line) && line.contains("<" + placeholder + ">"))
                .map(line -> line.substring(0, line.indexOf('=')).trim()).findFirst().orElseThrow();
    }

    /** The placeholders in settings; comments may show the notation itself. */
    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        text.lines().filter(line -> !isComment(line)).forEach(line -> {
            Matcher matcher = PLACEHOLDER.matcher(line);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        });
        return names;
    }

    private static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }

    /** Surefire runs in the module's directory; the examples are data beside the sources, not test resources. */
    private static Stream<Path> examples() {
        assertTrue(Files.isDirectory(EXAMPLES), "no " + EXAMPLES.toAbsolutePath());
        try (Stream<Path> boards = Files.list(EXAMPLES)) {
            return boards.map(board -> board.resolve("terminal.properties")).filter(Files::isRegularFile).sorted()
                    .toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
