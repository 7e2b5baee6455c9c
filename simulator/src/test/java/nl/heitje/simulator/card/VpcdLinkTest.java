// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VpcdLink against this test playing vpcd's side of the socket protocol (pcscd itself: {@link PcscStackIT}). */
class VpcdLinkTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final CardApplet ECHO = apdu -> new byte[] {apdu[1], (byte) 0x90, 0x00};

    private ServerSocket vpcd;
    private Socket card;
    private DataInputStream fromCard;
    private DataOutputStream toCard;

    @BeforeEach
    void listen() throws IOException {
        vpcd = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        vpcd.close();
        if (card != null) {
            card.close();
        }
    }

    @Test
    void answersTheAtrRequestAndPassesApdusToTheApplet() throws Exception {
        try (VpcdLink link = VpcdLink.insert(address(), ECHO)) {
            accept();
            send(1); // power on: no answer expected
            send(4);
            assertArrayEquals(VpcdLink.DEFAULT_ATR, receive());
            send(0x00, 0xA4, 0x04, 0x00);
            assertArrayEquals(new byte[] {(byte) 0xA4, (byte) 0x90, 0x00}, receive());
            assertEquals(1, link.apdusAnswered());
            assertTrue(link.isOnReader());
        }
    }

    @Test
    void takesTheCardAwayAfterTheGivenNumberOfApdus() throws Exception {
        try (VpcdLink link = VpcdLink.insertUntil(address(), ECHO, 2)) {
            accept();
            send(0x80, 0x01, 0x00, 0x00);
            receive();
            send(0x80, 0x02, 0x00, 0x00);
            receive();

            assertTrue(link.awaitTakenAway(DEADLINE));
            assertEquals(-1, fromCard.read(), "the card side closed the connection");
            assertEquals(2, link.apdusAnswered());
        }
    }

    @Test
    void vpcdClosingTheConnectionTakesTheCardAway() throws Exception {
        try (VpcdLink link = VpcdLink.insert(address(), ECHO)) {
            accept();
            card.close();

            assertTrue(link.awaitTakenAway(DEADLINE));
            assertFalse(link.isOnReader());
        }
    }

    @Test
    void aFailingAppletAnswersAnErrorStatusAndTheCardStays() throws Exception {
        CardApplet broken = apdu -> {
            throw new IllegalStateException("applet bug");
        };
        try (VpcdLink link = VpcdLink.insert(address(), broken)) {
            accept();
            send(0x80, 0x01, 0x00, 0x00);
            assertArrayEquals(new byte[] {0x6F, 0x00}, receive());
            send(4);
            assertArrayEquals(VpcdLink.DEFAULT_ATR, receive());
            assertTrue(link.isOnReader());
        }
    }

    private InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), vpcd.getLocalPort());
    }

    private void accept() throws IOException {
        vpcd.setSoTimeout((int) DEADLINE.toMillis());
        card = vpcd.accept();
        card.setSoTimeout((int) DEADLINE.toMillis());
        fromCard = new DataInputStream(card.getInputStream());
        toCard = new DataOutputStream(card.getOutputStream());
    }

    private void send(int... payload) throws IOException {
        toCard.writeShort(payload.length);
        for (int b : payload) {
            toCard.writeByte(b);
        }
        toCard.flush();
    }

    private byte[] receive() throws IOException {
        byte[] payload = new byte[fromCard.readUnsignedShort()];
        fromCard.readFully(payload);
        return payload;
    }
}
