// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.adapter.file.DeviceFilePrinter;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.codec.EscPos;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.domain.Receipt;
import nl.heitje.terminal.domain.ReceiptLayout;
import nl.heitje.terminal.port.ReceiptPrinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's printer reads the terminal's ESC/POS back: the words, and a page whose QR code scans. */
class SimulatedPrinterTest {
    private static final String LINK = "https://pay.example.org/payments/0f3a-77";
    private static final Receipt RECEIPT = new Receipt("Cafe De Heit", new Euros(4_50), "HEIT",
            Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), "0f3a-77", "till-9",
            Instant.parse("2026-03-10T09:00:00Z"), true, Optional.of(new Euros(1_00)), LINK);

    @TempDir
    Path dir;

    @Test
    void decodesTheEncodersReceiptToItsTextAndRendersAQrThatScansToTheLink() throws Exception {
        for (int columns : new int[] {32, 48}) {
            Printout slip = new ReceiptLayout(columns, ZoneId.of("Europe/Amsterdam")).receipt(RECEIPT);
            List<EscPosDecoder.Page> pages = new ArrayList<>();
            byte[] bytes = EscPos.encode(slip);

            new EscPosDecoder(pages::add).feed(bytes, 0, bytes.length);

            assertEquals(1, pages.size());
            assertEquals(slip.text(), pages.get(0).text());
            assertEquals(List.of(LINK), pages.get(0).qrCodes().stream().map(EscPosDecoder.Qr::data).toList());
            byte[] png = PageRenderer.png(pages.get(0), columns);
            // Kept for a person to look at: how the receipt comes out on paper.
            java.nio.file.Files.createDirectories(Path.of("target", "printed"));
            java.nio.file.Files.write(Path.of("target", "printed", "receipt-" + columns + ".png"), png);
            assertEquals(Optional.of(LINK), new ZxingQrDecoder().decodeImage(png), columns + " columns");
        }
    }

    @Test
    void refusesACommandNoPrinterKnows() {
        byte[] garbled = {0x1b, 'Z', 1};
        assertThrows(EscPosDecoder.UnknownCommandException.class,
                () -> new EscPosDecoder(page -> { }).feed(garbled, 0, garbled.length));
    }

    @Test
    void theRealAdapterPrintsThroughThePipeAndFailsOnceThePrinterIsUnplugged() throws Exception {
        SimulatedPrinter printer = SimulatedPrinter.start(dir.resolve("printer.fifo"), 32, Clock.systemUTC());
        try {
            DeviceFilePrinter adapter = new DeviceFilePrinter(printer.device());
            adapter.print(new ReceiptLayout(32, ZoneId.of("UTC")).receipt(RECEIPT));
            awaitPrinted(printer, 1);
            assertTrue(printer.printed().get(0).text().contains("Cafe De Heit"), printer.printed().get(0).text());

            printer.unplug();
            ReceiptPrinter.PrinterUnavailableException gone = assertThrows(
                    ReceiptPrinter.PrinterUnavailableException.class,
                    () -> adapter.print(new ReceiptLayout(32, ZoneId.of("UTC")).receipt(RECEIPT)));
            assertTrue(gone.getMessage().contains("no printer at"), gone.getMessage());

            printer.plugIn();
            adapter.print(new ReceiptLayout(32, ZoneId.of("UTC")).receipt(RECEIPT));
            awaitPrinted(printer, 2);
        } finally {
            printer.close();
        }
    }

    @Test
    void aPrinterThatGoesAwayMidSlipPrintsNoneOfIt() throws Exception {
        SimulatedPrinter printer = SimulatedPrinter.start(dir.resolve("printer.fifo"), 32, Clock.systemUTC());
        try {
            printer.goAwayAfter(40);
            new DeviceFilePrinter(printer.device()).print(new ReceiptLayout(32, ZoneId.of("UTC")).receipt(RECEIPT));
            for (int i = 0; i < 1000 && printer.isPluggedIn(); i++) {
                Thread.sleep(10);
            }
            assertTrue(!printer.isPluggedIn(), "gone after 40 bytes");
            assertEquals(List.of(), printer.printed());
        } finally {
            printer.close();
        }
    }

    private static void awaitPrinted(SimulatedPrinter printer, int count) throws InterruptedException {
        for (int i = 0; i < 1000 && printer.printed().size() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, printer.printed().size());
    }
}
