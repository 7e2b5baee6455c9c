// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual card on the real PC/SC stack (pcscd + the vpcd driver), read by the JDK's own PC/SC provider exactly as a
 * card on a hardware reader: {@link javax.smartcardio.TerminalFactory#getDefault()} in a child JVM (see {@link PcscClient}). Fails,
 * never skips, where pcscd or vpcd is not installed.
 */
class PcscStackIT {
    private static final byte[] ADDRESS = HexFormat.of().parseHex("f39fd6e51aad88f6f4ce6ab8827279cfffb92266");

    @TempDir
    Path dir;

    @Test
    void aVirtualCardOnVpcdIsReadThroughTheJdksPcscProvider() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insert(pcscd.vpcd(), new InfoCardApplet(ADDRESS))) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "read-card", PcscStack.READER);

            assertEquals("PC/SC", result.get("factory"), result.output());
            assertEquals(PcscStack.READER, result.get("reader"));
            assertEquals("9000", result.get("selectSw"));
            assertEquals("9000", result.get("infoSw"));
            assertEquals("01" + HexFormat.of().formatHex(ADDRESS) + "03" + "0000000000000000", result.get("info"));
            assertEquals(2, card.apdusAnswered(), "SELECT and GET INFO reached the applet");
        }
    }

    @Test
    void theTerminalsCardAdapterSignsWithAVirtualCardOnVpcdAndSeesItTakenAway() throws Exception {
        byte[] domain = new byte[32];
        java.util.Arrays.fill(domain, (byte) 0x42);
        org.web3j.crypto.ECKeyPair key = org.web3j.crypto.ECKeyPair.create(java.math.BigInteger.valueOf(424242));
        String address = nl.heitje.terminal.crypto.Signatures.addressOf(key).hex();
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insert(pcscd.vpcd(), new SigningCardApplet(key, "1234",
                     java.math.BigInteger.valueOf(25_00), java.util.List.of(domain)))) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "adapter-tap",
                    PcscStack.READER, HexFormat.of().formatHex(domain), "1");

            assertTrue(result.get("tap0").startsWith("signed address=" + address + " recovers=true"), result.output());
            System.out.println("card tap through pcscd + vpcd (SELECT, GET INFO, SIGN): " + result.get("tap0"));
        }
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insertUntil(pcscd.vpcd(), new SigningCardApplet(key, "1234",
                     java.math.BigInteger.valueOf(25_00), java.util.List.of(domain)), 2)) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "adapter-tap",
                    PcscStack.READER, HexFormat.of().formatHex(domain), "1");

            assertEquals("refused CARD_REMOVED", result.get("tap0"), result.output());
        }
    }

    @Test
    void theTerminalsCardAdapterShowsNoReaderWithoutPcscdAndWithPcscdButNoReader() throws Exception {
        PcscStack.requireInstalled();
        Map<String, String> nowhere = Map.of(PcscStack.SOCKET_ENV, dir.resolve("no-pcscd-here.comm").toString());
        PcscClient.Result withoutPcscd = PcscClient.run(nowhere, dir, "adapter-status");
        assertEquals("false", withoutPcscd.get("present"), withoutPcscd.output());
        assertFalse(withoutPcscd.get("problem").isEmpty(), withoutPcscd.output());

        try (PcscStack pcscd = PcscStack.withoutReaders(dir)) {
            PcscClient.Result withoutReader = PcscClient.run(pcscd.clientEnvironment(), dir, "adapter-status");
            assertEquals("false", withoutReader.get("present"), withoutReader.output());
            assertFalse(withoutReader.get("problem").isEmpty(), withoutReader.output());
            assertFalse(withoutReader.get("problem").equals(withoutPcscd.get("problem")),
                    "the two causes are told apart: " + withoutReader.get("problem"));
        }
    }

    @Test
    void withNoPcscdTheJdkHasNoPcscFactoryAndNoReader() throws Exception {
        PcscStack.requireInstalled();
        Map<String, String> nowhere = Map.of(PcscStack.SOCKET_ENV, dir.resolve("no-pcscd-here.comm").toString());

        PcscClient.Result result = PcscClient.run(nowhere, dir, "readers");

        assertEquals("None", result.get("factory"), result.output());
        assertEquals("", result.get("readers"));
    }

    @Test
    void pcscdWithNoReaderMakesListThrowNoReadersAvailable() throws Exception {
        try (PcscStack pcscd = PcscStack.withoutReaders(dir)) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "readers");

            assertEquals("PC/SC", result.get("factory"), result.output());
            assertTrue(result.get("listError").contains("SCARD_E_NO_READERS_AVAILABLE"), result.output());
        }
    }

    @Test
    void aReaderWithNoCardIsListedWithoutACard() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir)) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "readers");

            assertEquals("PC/SC", result.get("factory"), result.output());
            assertTrue(result.get("readers").contains(PcscStack.READER), result.output());
            assertEquals("", result.get("readersWithCard"), result.output());
        }
    }

    @Test
    void aCardTakenAwayMidExchangeIsSeenAsRemoved() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insertUntil(pcscd.vpcd(), new InfoCardApplet(ADDRESS), 2)) {
            PcscClient.Result result =
                    PcscClient.run(pcscd.clientEnvironment(), dir, "read-until-removed", PcscStack.READER);

            System.out.println("card taken away mid-exchange: " + result.get("transmitError"));
            assertEquals("2", result.get("answered"), result.output());
            // Which of the two depends on whether pcscd's presence poll saw the card go before the next command
            // (see VpcdLink); both must be read as a removed card.
            String error = result.get("transmitError");
            assertTrue(error.startsWith("CardException") || error.startsWith("IllegalArgumentException"),
                    result.output());
            assertEquals("true", result.get("cardAbsent"), result.output());
            assertFalse(card.isOnReader());
        }
    }

    @Test
    void aCommandAfterPcscdSawTheCardGoFailsWithRemovedCard() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insertUntil(pcscd.vpcd(), new InfoCardApplet(ADDRESS), 1)) {
            PcscClient.Result result =
                    PcscClient.run(pcscd.clientEnvironment(), dir, "transmit-after-removal", PcscStack.READER);

            assertEquals("9000", result.get("selectSw"), result.output());
            assertEquals("true", result.get("cardAbsent"), result.output());
            assertTrue(result.get("transmitError").startsWith("CardException"), result.output());
            assertTrue(result.get("transmitError").contains("SCARD_W_REMOVED_CARD"), result.output());
        }
    }

    @Test
    void twoHundredApdusInARowAreAllAnswered() throws Exception {
        try (PcscStack pcscd = PcscStack.withVirtualReader(dir);
             VpcdLink card = VpcdLink.insert(pcscd.vpcd(), new InfoCardApplet(ADDRESS))) {
            PcscClient.Result result = PcscClient.run(pcscd.clientEnvironment(), dir, "bench", PcscStack.READER, "200");

            assertEquals("200", result.get("apdus"), result.output());
            assertEquals(201, card.apdusAnswered(), "SELECT and 200 GET INFO reached the applet");
            // Printed for the benchmark notes, not asserted: timing depends on the machine.
            System.out.println("APDU round trip through pcscd + vpcd: median " + result.get("medianMicros")
                    + " us, p90 " + result.get("p90Micros") + " us, max " + result.get("maxMicros") + " us");
        }
    }
}
