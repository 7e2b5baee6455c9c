// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The receipt printer and what it prints ({@code printer.*}, {@code receipt.*}; docs/config.md and
 * docs/receipts.md). Without a printer, nothing is printed and the other keys are read but have no effect.
 *
 * @param device        a USB printer-class device file such as {@code /dev/usb/lp0}
 * @param serial        a serial printer's port and line settings
 * @param paperWidthMm  58 or 80: the roll, which gives 32 or 48 characters a line
 * @param auto          print a receipt for every approved payment
 * @param printZ        print the Z report each time a period is closed
 * @param settlementUrl where a receipt's QR code points, {@code {id}} standing for the payment id; empty: the QR
 *                      code holds the payment id alone
 */
public record ReceiptSettings(Optional<Path> device, Optional<SerialPrinter> serial, int paperWidthMm,
                              boolean auto, boolean printZ, Optional<String> settlementUrl) {
    public static final ReceiptSettings NONE = new ReceiptSettings(Optional.empty(), Optional.empty(), 58, false,
            false, Optional.empty());

    /** A serial printer; {@code parity} is none, odd or even. */
    public record SerialPrinter(String port, int baud, int dataBits, int stopBits, String parity) {
    }

    public boolean hasPrinter() {
        return device.isPresent() || serial.isPresent();
    }

    static ReceiptSettings read(ConfigFile file) {
        Optional<Path> device = file.optionalText("printer.device").map(Path::of);
        Optional<SerialPrinter> serial = file.optionalText("printer.serial.port").map(port -> {
            String parity = file.text("printer.serial.parity", "none");
            if (!parity.equals("none") && !parity.equals("odd") && !parity.equals("even")) {
                throw new ConfigException(file.path(), "printer.serial.parity", "must be none, odd or even, is \""
                        + parity + "\"");
            }
            return new SerialPrinter(port, (int) file.integer("printer.serial.baud", 9600, 300, 4_000_000),
                    (int) file.integer("printer.serial.dataBits", 8, 5, 8),
                    (int) file.integer("printer.serial.stopBits", 1, 1, 2), parity);
        });
        if (device.isPresent() && serial.isPresent()) {
            throw new ConfigException(file.path(), "printer.serial.port", "and printer.device both set: one printer");
        }
        int width = (int) file.integer("printer.width", 58, 58, 80);
        if (width != 58 && width != 80) {
            throw new ConfigException(file.path(), "printer.width", "must be 58 or 80 (mm), is " + width);
        }
        Optional<String> settlementUrl = file.optionalText("receipt.settlementUrl");
        settlementUrl.ifPresent(url -> {
            if (!url.contains("{id}")) {
                throw new ConfigException(file.path(), "receipt.settlementUrl", "must say where the payment id goes"
                        + " with {id}, like https://example.org/payments/{id}");
            }
            boolean web;
            try {
                String scheme = java.net.URI.create(url.replace("{id}", "id")).getScheme();
                web = "https".equals(scheme) || "http".equals(scheme);
            } catch (IllegalArgumentException notAUrl) {
                web = false;
            }
            if (!web) {
                throw new ConfigException(file.path(), "receipt.settlementUrl", "must be an http or https URL, is \""
                        + url + "\"");
            }
        });
        return new ReceiptSettings(device, serial, width, file.bool("receipt.auto", true),
                file.bool("receipt.printZ", true), settlementUrl);
    }
}
