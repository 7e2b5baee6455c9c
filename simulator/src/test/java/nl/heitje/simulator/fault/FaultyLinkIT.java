// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nl.heitje.simulator.LocalChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

/**
 * Each fault of the TCP relay, seen by a real client in front of a real anvil. Nothing here measures time: a fault
 * that must make a client time out is one the client cannot outwait (nothing ever comes, or comes seconds after
 * the client gave up), and everything that must succeed gets a deadline a loaded machine cannot miss.
 */
class FaultyLinkIT {
    private static final long ANVIL_CHAIN_ID = LocalChain.CHAIN_ID;
    private static final Duration IMPATIENT = Duration.ofMillis(500);
    private static LocalChain chain;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(Rpc.chainDir());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private FaultyLink link(long seed) {
        FaultyLink link = new FaultyLink(chain.port(), seed);
        toClose.add(link);
        return link;
    }

    private Web3j client(FaultyLink link, Duration timeout) {
        Web3j web3j = Rpc.web3j(link.httpUrl(), timeout);
        toClose.add(web3j::shutdown);
        return web3j;
    }

    private Socket rawSocket(FaultyLink link) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), link.port());
        socket.setSoTimeout((int) Rpc.PATIENT.toMillis());
        toClose.add(socket);
        return socket;
    }

    private static boolean answers(Web3j web3j) throws IOException {
        return web3j.ethChainId().send().getChainId().longValue() == ANVIL_CHAIN_ID;
    }

    @Test
    void aCutFailsRequestsAndRefusesNewConnectionsUntilItIsRestored() throws Exception {
        FaultyLink link = link(1);
        Web3j web3j = client(link, Rpc.PATIENT);
        assertTrue(answers(web3j));

        link.setCut(true);
        assertTrue(link.isCut());
        assertThrows(IOException.class, () -> web3j.ethChainId().send());
        Socket late = rawSocket(link);
        assertEquals(-1, late.getInputStream().read(), "a connection made while cut is closed at once (FIN)");
        assertTrue(link.refusedConnections() >= 1);

        link.setCut(false);
        Rpc.await("requests pass again once the link is restored", () -> answers(web3j));
    }

    @Test
    void aResetAbortsOpenConnectionsWithAnRstWhereACutClosesThem() throws Exception {
        FaultyLink link = link(2);
        Socket reset = rawSocket(link);
        Rpc.await("the link holds the connection", () -> link.openConnections() == 1);
        assertEquals(1, link.resetOpenConnections());
        SocketException aborted = assertThrows(SocketException.class, () -> reset.getInputStream().read());
        assertTrue(String.valueOf(aborted.getMessage()).toLowerCase().contains("reset"), aborted.toString());

        Socket closed = rawSocket(link);
        Rpc.await("the link holds the new connection", () -> link.openConnections() == 1);
        link.setCut(true);
        assertEquals(-1, closed.getInputStream().read(), "a cut closes politely: end of stream, no reset");
    }

    @Test
    void aBlackholeAnswersNothingSoOnlyTheClientsTimeoutGetsItOut() throws Exception {
        FaultyLink link = link(3);
        Web3j impatient = client(link, IMPATIENT);
        Web3j patient = client(link, Rpc.PATIENT);
        assertTrue(answers(patient));

        link.setBlackhole(true);
        IOException timedOut = assertThrows(IOException.class, () -> impatient.ethChainId().send());
        assertInstanceOf(SocketTimeoutException.class, timedOut, "a timeout, not a refusal: " + timedOut);

        assertEquals(2, link.acceptedConnections(), "accepted, like a live but hung node, not refused");

        link.setBlackhole(false);
        Rpc.await("requests pass again once the blackhole is lifted", () -> answers(patient));
    }

    @Test
    void latencyOutlastsAShortTimeoutButAPatientClientGetsItsAnswer() throws Exception {
        FaultyLink link = link(4);
        Web3j impatient = client(link, IMPATIENT);
        Web3j patient = client(link, Rpc.PATIENT);

        // Two seconds per chunk each way: the answer comes seconds after a 500 ms read timeout, however busy the machine.
        link.setChunkLatency(Duration.ofSeconds(2));
        assertInstanceOf(SocketTimeoutException.class,
                assertThrows(IOException.class, () -> impatient.ethChainId().send()));
        assertTrue(answers(patient));

        link.setChunkLatency(Duration.ZERO).setConnectLatency(Duration.ofSeconds(2));
        Web3j fresh = client(link, IMPATIENT);
        assertInstanceOf(SocketTimeoutException.class, assertThrows(IOException.class, () -> fresh.ethChainId().send()));
        assertTrue(answers(client(link, Rpc.PATIENT)));
    }

    @Test
    void droppedConnectionsFollowTheSeedSoATestCanReplayThem() throws Exception {
        List<Boolean> first = answersOfFreshConnections(link(42).setDropRate(0.5), 16);
        FaultyLink replay = link(42).setDropRate(0.5);
        List<Boolean> second = answersOfFreshConnections(replay, 16);

        assertEquals(first, second, "same seed, same connections dropped");
        long droppedCount = second.stream().filter(answered -> !answered).count();
        assertEquals(droppedCount, replay.droppedConnections());
        assertTrue(droppedCount > 0 && droppedCount < 16, "about half are dropped: " + second);

        replay.setDropRate(0);
        assertEquals(List.of(true, true, true), answersOfFreshConnections(replay, 3));
    }

    /** One JSON-RPC call per new connection, in order: whether each got its answer or was dropped. */
    private List<Boolean> answersOfFreshConnections(FaultyLink link, int count) throws IOException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
        byte[] request = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        List<Boolean> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
                socket.setSoTimeout((int) Rpc.PATIENT.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                outcomes.add(answer.contains("\"0x7a69\""));
            } catch (SocketException dropped) {
                outcomes.add(false);
            }
        }
        return outcomes;
    }
}
