// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;

/**
 * Puts a {@link CardApplet} on a vpcd virtual reader (package {@code vsmartcard-vpcd}, a pcscd driver), so that
 * every PC/SC client, the JDK's {@code javax.smartcardio} included, reads it exactly like a card on a hardware
 * reader. While the link is open the card is on the reader; {@link #close()} takes it away.
 *
 * <p>vpcd's protocol: the driver listens on a TCP port per reader slot and the virtual card connects to it. Each
 * message either way is a two-byte big-endian length, then the payload. From vpcd, a one-byte payload is a
 * control code (power off, power on, reset: no answer; get ATR: answered with the ATR); any longer payload is a
 * command APDU, answered with the response APDU. vpcd asks for the ATR on every presence poll, so a card that
 * stops answering is seen as removed.
 *
 * <p>A card taken away while vpcd 3.3 waits for its answer comes out of pcscd as a successful transmit with an
 * empty response (vpcd reads end-of-stream as zero bytes); the JDK then throws {@link IllegalArgumentException}
 * ("apdu must be at least 2 bytes long") from {@code CardChannel.transmit}, not a {@code CardException}. Taken away
 * between commands, once pcscd's presence poll has seen it, the next transmit fails with
 * {@code SCARD_W_REMOVED_CARD}. A card reader adapter must read both as a removed card.
 */
public final class VpcdLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VpcdLink.class.getName());

    /** A minimal valid ATR offering T=0 and T=1 with no historical bytes; the applet's AID selects it, not this. */
    public static final byte[] DEFAULT_ATR = {0x3B, (byte) 0x80, (byte) 0x80, 0x01, 0x01};

    private static final int CONTROL_POWER_OFF = 0;
    private static final int CONTROL_POWER_ON = 1;
    private static final int CONTROL_RESET = 2;
    private static final int CONTROL_GET_ATR = 4;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int NO_LIMIT = -1;

    private final Socket socket;
    private final CardApplet applet;
    private final byte[] atr;
    private final int takeAwayAfterApdus;
    private final AtomicInteger apdusAnswered = new AtomicInteger();
    private volatile boolean resetSinceLastApdu;
    private final CountDownLatch takenAway = new CountDownLatch(1);
    private boolean quickAck;

    private VpcdLink(Socket socket, CardApplet applet, byte[] atr, int takeAwayAfterApdus, boolean quickAck) {
        this.socket = socket;
        this.quickAck = quickAck;
        this.applet = applet;
        this.atr = atr.clone();
        this.takeAwayAfterApdus = takeAwayAfterApdus;
        Thread serving = new Thread(this::serve, "vpcd-card-" + socket.getPort());
        serving.setDaemon(true);
        serving.start();
    }

    /** Puts {@code applet} on the vpcd reader at {@code vpcd} until {@link #close()}. */
    public static VpcdLink insert(InetSocketAddress vpcd, CardApplet applet) throws IOException {
        return open(vpcd, applet, NO_LIMIT, true);
    }

    /**
     * Like {@link #insert}, but without asking for quick ACKs: each APDU then waits for the kernel's delayed ACK, as
     * any vpcd client that does not know vpcd's two-write framing would. For measuring what quick ACKs save.
     */
    static VpcdLink insertWithDelayedAcks(InetSocketAddress vpcd, CardApplet applet) throws IOException {
        return open(vpcd, applet, NO_LIMIT, false);
    }

    /**
     * Puts {@code applet} on the reader and takes it away right after it has answered {@code apdus} command APDUs:
     * the client's next command finds no card, as when a customer pulls the card away mid-exchange.
     */
    public static VpcdLink insertUntil(InetSocketAddress vpcd, CardApplet applet, int apdus) throws IOException {
        if (apdus < 0) {
            throw new IllegalArgumentException("apdus must not be negative: " + apdus);
        }
        return open(vpcd, applet, apdus, true);
    }

    private static VpcdLink open(InetSocketAddress vpcd, CardApplet applet, int takeAwayAfterApdus,
                                 boolean quickAck) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(vpcd, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw new IOException("no vpcd reader listens at " + vpcd + " (is pcscd running with the vpcd driver?)",
                    e);
        }
        return new VpcdLink(socket, applet, DEFAULT_ATR, takeAwayAfterApdus, quickAck);
    }

    /** Command APDUs the applet has answered so far. */
    public int apdusAnswered() {
        return apdusAnswered.get();
    }

    /**
     * Whether vpcd asked for a reset (or power-off) after the last command APDU: a client disconnecting with a reset
     * sends one, so a test can tell an exchange is over before it takes the card away. Taken away during that reset,
     * the card leaves vpcd 3.3 stuck ("Error resetting card" in pcscd's log): the slot takes no card after it.
     */
    public boolean resetSinceLastApdu() {
        return resetSinceLastApdu;
    }

    /** Whether the card is still on the reader: neither closed, nor taken away, nor dropped by vpcd. */
    public boolean isOnReader() {
        return takenAway.getCount() > 0;
    }

    /** Waits until the card has left the reader (for whatever reason); false if it is still there at the deadline. */
    public boolean awaitTakenAway(Duration deadline) throws InterruptedException {
        return takenAway.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the card away. */
    @Override
    public void close() {
        takeAway();
    }

    private void serve() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!socket.isClosed()) {
                acknowledgeAtOnce();
                byte[] message = new byte[in.readUnsignedShort()];
                in.readFully(message);
                if (message.length == 1) {
                    answerControl(message[0] & 0xFF, out);
                } else if (message.length > 1) {
                    resetSinceLastApdu = false;
                    byte[] response = answer(message);
                    // Counted before it goes out: whoever reads the answer must find it counted.
                    int answered = apdusAnswered.incrementAndGet();
                    send(out, response);
                    if (answered == takeAwayAfterApdus) {
                        LOG.info(() -> "card taken away after " + takeAwayAfterApdus + " APDUs");
                        break;
                    }
                }
            }
        } catch (EOFException e) {
            LOG.info("vpcd closed the connection to the virtual card");
        } catch (IOException e) {
            if (!socket.isClosed()) {
                LOG.log(Level.INFO, "virtual card link to vpcd broke: " + e.getMessage());
            }
        } finally {
            takeAway();
        }
    }

    /**
     * vpcd 3.3 sends a message's length and its payload in two writes without TCP_NODELAY: Nagle holds the payload
     * until the length is acknowledged, and a delayed ACK costs ~40 ms per APDU. Linux forgets quick-ACK mode after
     * a while, so it is asked for again before every read.
     */
    private void acknowledgeAtOnce() {
        if (quickAck) {
            try {
                socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            } catch (IOException | UnsupportedOperationException e) {
                quickAck = false;
                LOG.log(Level.FINE, "TCP_QUICKACK not available; APDUs wait for delayed ACKs", e);
            }
        }
    }

    private void answerControl(int code, OutputStream out) throws IOException {
        if (code == CONTROL_GET_ATR) {
            send(out, atr);
        } else if (code == CONTROL_RESET || code == CONTROL_POWER_OFF) {
            resetSinceLastApdu = true;
        } else if (code != CONTROL_POWER_ON) {
            LOG.warning(() -> "vpcd sent an unknown control code " + code + "; ignored");
        }
    }

    private byte[] answer(byte[] commandApdu) {
        try {
            byte[] response = applet.process(commandApdu);
            if (response == null || response.length < 2 || response.length > 0xFFFF) {
                LOG.warning(() -> "applet gave no well-formed response to " + HexFormat.of().formatHex(commandApdu));
                return new byte[] {0x6F, 0x00};
            }
            return response;
        } catch (RuntimeException e) {
            // A real card answers every command; a broken applet must not take the link down with it.
            LOG.log(Level.WARNING, "applet failed on APDU " + HexFormat.of().formatHex(commandApdu), e);
            return new byte[] {0x6F, 0x00};
        }
    }

    private static void send(OutputStream out, byte[] payload) throws IOException {
        byte[] framed = new byte[payload.length + 2];
        framed[0] = (byte) (payload.length >>> 8);
        framed[1] = (byte) payload.length;
        System.arraycopy(payload, 0, framed, 2, payload.length);
        out.write(framed);
        out.flush();
    }

    private void takeAway() {
        if (!socket.isClosed()) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the vpcd link", e);
            }
        }
        takenAway.countDown();
    }
}
