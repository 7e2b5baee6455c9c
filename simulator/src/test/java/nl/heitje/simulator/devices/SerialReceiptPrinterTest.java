// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import nl.heitje.terminal.adapter.serial.SerialReceiptPrinter;
import nl.heitje.terminal.adapter.serial.SerialSettings;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Euros;
import nl.heitje.terminal.domain.Printout;
import nl.heitje.terminal.domain.Receipt;
import nl.heitje.terminal.domain.ReceiptLayout;
import nl.heitje.terminal.port.ReceiptPrinter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serial printer adapter on a real serial line (socat's pair of ptys), read back by the simulator's decoder. */
class SerialReceiptPrinterTest {
    private static final Printout SLIP = new ReceiptLayout(32, ZoneId.of("UTC")).receipt(new Receipt("Bar",
            new Euros(2_00), "HEIT", Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), "p-9", "r-9",
            Instant.parse("2026-03-10T09:00:00Z"), false, Optional.empty(), "p-9"));

    private Process socat;
    private List<String> ptys;

    @BeforeEach
    void startSocat() throws Exception {
        socat = SocatPtys.start();
        ptys = SocatPtys.names(socat);
    }

    @AfterEach
    void stopSocat() {
        socat.destroy();
    }

    @Test
    void aPrinterThatDoesNotAnswerTheStatusRequestIsPrintedToAllTheSame() throws Exception {
        List<EscPosDecoder.Page> pages = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            try (RandomAccessFile line = new RandomAccessFile(ptys.get(1), "r")) {
                EscPosDecoder decoder = new EscPosDecoder(pages::add);
                byte[] one = new byte[1];
                while (pages.isEmpty() && line.read(one) == 1) {
                    decoder.feed(one, 0, 1);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        new SerialReceiptPrinter(ptys.get(0), SerialSettings.defaults()).print(SLIP);

        reading.get(30, TimeUnit.SECONDS);
        assertEquals(SLIP.text(), pages.get(0).text());
    }

    @Test
    void aPrinterThatReportsThePaperEndIsNotPrintedTo() throws Exception {
        CompletableFuture<byte[]> answered = CompletableFuture.supplyAsync(() -> {
            try (RandomAccessFile line = new RandomAccessFile(ptys.get(1), "rw")) {
                byte[] request = new byte[3];
                line.readFully(request);
                // Paper sensor status: bits 5 and 6 set, the roll has ended (bit 1 and 4 are always set).
                line.write(0x12 | 0x60);
                return request;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        ReceiptPrinter.PrinterUnavailableException out = assertThrows(ReceiptPrinter.PrinterUnavailableException.class,
                () -> new SerialReceiptPrinter(ptys.get(0), SerialSettings.defaults()).print(SLIP));

        assertTrue(out.getMessage().contains("out of paper"), out.getMessage());
        assertEquals(List.of((byte) 0x10, (byte) 0x04, (byte) 0x04), toList(answered.get(30, TimeUnit.SECONDS)));
    }

    private static List<Byte> toList(byte[] bytes) {
        java.util.ArrayList<Byte> list = new java.util.ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
