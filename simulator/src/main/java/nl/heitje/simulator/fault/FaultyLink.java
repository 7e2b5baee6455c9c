// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay from a port of its own (bound on port 0) to a target port, with faults that can be switched at
 * run time while clients are connected: added latency, a cut, resets, a blackhole and dropped connections. The
 * client sees each fault through its real network stack, so its real timeouts and error paths run.
 *
 * <p>Faults act on connections as follows:
 * <ul>
 *   <li>{@link #setCut cut}: every open connection is closed (FIN) and each new one is accepted and closed at once,
 *       the way a pulled cable plus a reconnecting client looks from the client's side;</li>
 *   <li>{@link #resetOpenConnections reset}: every open connection is aborted with a TCP RST, both to the client and
 *       to the target;</li>
 *   <li>{@link #setBlackhole blackhole}: nothing is forwarded any more in either direction, on open and on new
 *       connections; bytes are read and discarded so no sender ever blocks. It is the hung or overloaded node:
 *       clients only get out through their own timeouts. Lifting it closes the connections that lost bytes, since
 *       their streams can no longer be framed;</li>
 *   <li>{@link #setDropRate drop}: that fraction of new connections is aborted with an RST right after accept,
 *       decided by a {@link Random} that is seeded in the constructor, so a test can replay the same pattern;</li>
 *   <li>{@link #setChunkLatency chunk latency} delays every chunk in each direction; {@link #setConnectLatency
 *       connect latency} delays the opening of each new connection to the target.</li>
 * </ul>
 */
public final class FaultyLink implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

    private final ServerSocket listener;
    private final int targetPort;
    private final Random random;
    private final ExecutorService threads;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object settings = new Object();
    private volatile boolean cut;
    private volatile boolean blackhole;
    private volatile double dropRate;
    private volatile long chunkLatencyMillis;
    private volatile long connectLatencyMillis;

    /** A relay to {@code 127.0.0.1:targetPort} with no fault switched on, whose drop decisions follow {@code seed}. */
    public FaultyLink(int targetPort, long seed) {
        this.targetPort = targetPort;
        this.random = new Random(seed);
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the faulty link", e);
        }
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "faulty-link-" + listener.getLocalPort());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /** A relay with an arbitrary seed, for when no test replays the drop pattern. */
    public FaultyLink(int targetPort) {
        this(targetPort, System.nanoTime());
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}, for HTTP clients. */
    public String httpUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int targetPort() {
        return targetPort;
    }

    public boolean isCut() {
        return cut;
    }

    /** Cut: closes every open connection and closes each new one right after accepting it. Uncut: relays again. */
    public FaultyLink setCut(boolean cut) {
        synchronized (settings) {
            this.cut = cut;
        }
        if (cut) {
            open.forEach(connection -> connection.close(false));
        }
        return this;
    }

    /** Aborts every open connection with an RST to both ends; new connections are relayed as before. */
    public int resetOpenConnections() {
        int count = 0;
        for (Connection connection : open) {
            connection.close(true);
            count++;
        }
        return count;
    }

    public boolean isBlackhole() {
        return blackhole;
    }

    /** On: nothing is forwarded, nothing answered. Off: relays again and closes the connections that lost bytes. */
    public FaultyLink setBlackhole(boolean blackhole) {
        synchronized (settings) {
            this.blackhole = blackhole;
        }
        if (!blackhole) {
            open.stream().filter(c -> c.tainted).forEach(c -> c.close(false));
        }
        return this;
    }

    /** The fraction (0 to 1) of new connections aborted with an RST right after accept. */
    public FaultyLink setDropRate(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("drop rate must be within 0..1, not " + fraction);
        }
        this.dropRate = fraction;
        return this;
    }

    /** Delay added before each chunk is forwarded, in each direction. */
    public FaultyLink setChunkLatency(Duration latency) {
        this.chunkLatencyMillis = latency.toMillis();
        return this;
    }

    /** Delay added before each new connection is opened to the target. */
    public FaultyLink setConnectLatency(Duration latency) {
        this.connectLatencyMillis = latency.toMillis();
        return this;
    }

    /** Switches every fault off: relays again, as if just constructed (open connections that lost bytes are closed). */
    public FaultyLink heal() {
        setDropRate(0);
        setChunkLatency(Duration.ZERO);
        setConnectLatency(Duration.ZERO);
        setCut(false);
        setBlackhole(false);
        return this;
    }

    /** Connections accepted since construction, whatever became of them. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** New connections closed at once because the link was cut. */
    public long refusedConnections() {
        return refused.get();
    }

    /** New connections aborted by the drop rate. */
    public long droppedConnections() {
        return dropped.get();
    }

    /** Connections currently open (relayed or blackholed). */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            // Decided here, on the one accepting thread, so a seeded link drops the same connections every run.
            boolean drop = dropRate > 0 && random.nextDouble() < dropRate;
            if (cut) {
                refused.incrementAndGet();
                closeQuietly(client);
            } else if (drop) {
                dropped.incrementAndGet();
                abort(client);
            } else {
                try {
                    threads.execute(() -> admit(client));
                } catch (RuntimeException shuttingDown) {
                    abort(client);
                }
            }
        }
    }

    private void admit(Socket client) {
        Connection connection = new Connection(client);
        open.add(connection);
        // A cut or a close that raced with the add above must still reach this connection.
        synchronized (settings) {
            if (cut || listener.isClosed()) {
                connection.close(false);
                return;
            }
        }
        if (blackhole) {
            connection.tainted = true;
            threads.execute(() -> pump(connection, client, null));
            return;
        }
        sleep(connectLatencyMillis);
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException targetDown) {
            // The node is down: the client sees its connection dropped, as it would through a real relay.
            closeQuietly(upstream);
            connection.close(false);
            return;
        }
        if (!connection.attach(upstream)) {
            closeQuietly(upstream);
            return;
        }
        threads.execute(() -> pump(connection, client, upstream));
        threads.execute(() -> pump(connection, upstream, client));
    }

    /** Copies {@code from} to {@code to} (to null: discards), honouring the faults, until either end goes away. */
    private void pump(Connection connection, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (blackhole || out == null) {
                    connection.tainted = true;
                    continue;
                }
                sleep(chunkLatencyMillis);
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException dropped) {
            // Closed by a fault, by a peer or by close().
        } finally {
            connection.close(false);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // Then there is nothing left to reset.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all we wanted.
        }
    }

    /** One client connection and, once opened, its connection to the target. */
    private final class Connection {
        private final Socket client;
        private Socket upstream;
        private boolean closed;
        private volatile boolean tainted;

        Connection(Socket client) {
            this.client = client;
        }

        synchronized boolean attach(Socket upstream) {
            if (closed) {
                return false;
            }
            this.upstream = upstream;
            return true;
        }

        void close(boolean reset) {
            Socket up;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                up = upstream;
            }
            open.remove(this);
            if (reset) {
                abort(client);
                if (up != null) {
                    abort(up);
                }
            } else {
                closeQuietly(client);
                if (up != null) {
                    closeQuietly(up);
                }
            }
        }
    }

    /** Stops relaying: closes the port and every open connection. */
    @Override
    public void close() {
        synchronized (settings) {
            try {
                listener.close();
            } catch (IOException ignored) {
                // Shutting down.
            }
        }
        open.forEach(connection -> connection.close(false));
        threads.shutdownNow();
    }
}
