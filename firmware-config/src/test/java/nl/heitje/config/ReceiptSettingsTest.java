// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptSettingsTest {
    @TempDir
    Path dir;

    private Map<String, String> minimal() {
        Map<String, String> values = MinimalConfig.values();
        values.put("storage.journal", dir.resolve("data/journal.db").toString());
        return values;
    }

    private ReceiptSettings load(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return TerminalConfig.load(file).receipts();
    }

    @Test
    void withoutAPrinterNothingIsPrinted() {
        ReceiptSettings receipts = load(minimal());

        assertFalse(receipts.hasPrinter());
        assertEquals(58, receipts.paperWidthMm());
    }

    @Test
    void aUsbPrinterOn80mmPaperWithASettlementLink() {
        Map<String, String> values = minimal();
        values.put("printer.device", "/dev/usb/lp0");
        values.put("printer.width", "80");
        values.put("receipt.auto", "false");
        values.put("receipt.printZ", "false");
        values.put("receipt.settlementUrl", "https://pay.example.org/payments/{id}");

        ReceiptSettings receipts = load(values);

        assertEquals(Optional.of(Path.of("/dev/usb/lp0")), receipts.device());
        assertEquals(80, receipts.paperWidthMm());
        assertFalse(receipts.auto());
        assertFalse(receipts.printZ());
        assertEquals(Optional.of("https://pay.example.org/payments/{id}"), receipts.settlementUrl());
    }

    @Test
    void aSerialPrinterHasItsLineSettings() {
        Map<String, String> values = minimal();
        values.put("printer.serial.port", "/dev/ttyUSB0");
        values.put("printer.serial.baud", "19200");

        ReceiptSettings receipts = load(values);

        assertEquals(Optional.of(new ReceiptSettings.SerialPrinter("/dev/ttyUSB0", 19200, 8, 1, "none")),
                receipts.serial());
        assertTrue(receipts.auto());
        assertTrue(receipts.printZ());
    }

    @Test
    void refusesAWidthNoRollHasTwoPrintersAndALinkWithoutTheId() {
        for (Map.Entry<String, String> wrong : Map.of("printer.width", "72",
                "receipt.settlementUrl", "https://pay.example.org/payments",
                "printer.serial.port", "/dev/ttyUSB0").entrySet()) {
            Map<String, String> values = minimal();
            values.put("printer.device", "/dev/usb/lp0");
            values.put(wrong.getKey(), wrong.getValue());
            ConfigException refused = assertThrows(ConfigException.class, () -> load(values));
            assertTrue(refused.getMessage().contains(wrong.getKey()), refused.getMessage());
        }
    }
}
