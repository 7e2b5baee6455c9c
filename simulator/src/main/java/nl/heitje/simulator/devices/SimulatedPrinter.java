// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A receipt printer without hardware: a named pipe where a USB printer's device file would be, written by the
 * terminal's real device-file printer adapter with the real ESC/POS encoder, and read back here byte by byte into
 * pages: their text and their picture. It can be unplugged (the pipe goes away, as {@code /dev/usb/lp0} does), and
 * can be made to go away in the middle of the next slip.
 */
public final class SimulatedPrinter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SimulatedPrinter.class.getName());

    /** One cut page: its text, when it was cut, and how it looks on paper. */
    public record Slip(String text, Instant at, EscPosDecoder.Page page, byte[] png) {
    }

    private final Path fifo;
    private final int columns;
    private final Clock clock;
    private final List<Slip> printed = new ArrayList<>();
    private final Object lock = new Object();
    private boolean pluggedIn;
    private boolean closed;
    /** Bytes still taken before the printer goes away in the middle of a slip; negative: it stays. */
    private long goneAfter = -1;
    private RandomAccessFile open;
    private Thread reader;

    private SimulatedPrinter(Path fifo, int columns, Clock clock) {
        this.fifo = fifo;
        this.columns = columns;
        this.clock = clock;
    }

    /** The terminal's config for this printer: its device file in the data directory, 58 mm paper, Z on close. */
    public static Map<String, String> settings(Path dataDirectory) {
        return Map.of("printer.device", dataDirectory.toAbsolutePath().resolve("printer.fifo").toString(),
                "printer.width", "58", "receipt.auto", "true", "receipt.printZ", "true");
    }

    /** Plugs a printer in at {@code fifo}, for paper of {@code columns} characters. */
    public static SimulatedPrinter start(Path fifo, int columns, Clock clock) {
        SimulatedPrinter printer = new SimulatedPrinter(fifo, columns, clock);
        printer.plugIn();
        return printer;
    }

    public Path device() {
        return fifo;
    }

    /** What was printed, oldest first. */
    public List<Slip> printed() {
        synchronized (lock) {
            return List.copyOf(printed);
        }
    }

    public Optional<Slip> slip(int index) {
        synchronized (lock) {
            return index >= 0 && index < printed.size() ? Optional.of(printed.get(index)) : Optional.empty();
        }
    }

    public boolean isPluggedIn() {
        synchronized (lock) {
            return pluggedIn;
        }
    }

    /** The device file appears and the printer takes whatever is written to it. */
    public void plugIn() {
        synchronized (lock) {
            if (pluggedIn || closed) {
                return;
            }
            try {
                Files.deleteIfExists(fifo);
                Files.createDirectories(fifo.toAbsolutePath().getParent());
                Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true)
                        .start();
                if (mkfifo.waitFor() != 0) {
                    throw new IllegalStateException("mkfifo " + fifo + " failed: "
                            + new String(mkfifo.getInputStream().readAllBytes()));
                }
                // Read and write: the pipe never ends while we hold it, and a writer never waits for a reader.
                open = new RandomAccessFile(fifo.toFile(), "rw");
            } catch (IOException e) {
                throw new IllegalStateException("cannot make the simulated printer's pipe " + fifo, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            pluggedIn = true;
            goneAfter = -1;
            RandomAccessFile reading = open;
            reader = new Thread(() -> read(reading), "simulated printer");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** The printer is unplugged: the device file disappears, anything not yet printed is lost. */
    public void unplug() {
        synchronized (lock) {
            if (!pluggedIn) {
                return;
            }
            pluggedIn = false;
            try {
                Files.deleteIfExists(fifo);
                // Wakes the reader, which then sees it is unplugged and lets go of the pipe.
                open.write(0);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "unplugging the simulated printer", e);
            }
        }
    }

    /** The printer takes {@code bytes} more bytes, then goes away in the middle of what it prints. */
    public void goAwayAfter(long bytes) {
        synchronized (lock) {
            goneAfter = bytes;
        }
    }

    private void read(RandomAccessFile pipe) {
        EscPosDecoder decoder = new EscPosDecoder(this::cut);
        byte[] buffer = new byte[1];
        try (pipe) {
            while (true) {
                // One byte at a time: a printer that goes away after n bytes has taken exactly n.
                int got = pipe.read(buffer, 0, 1);
                synchronized (lock) {
                    if (!pluggedIn || got < 0) {
                        return;
                    }
                    if (goneAfter == 0) {
                        decoder.discardPage();
                        pluggedIn = false;
                        Files.deleteIfExists(fifo);
                        return;
                    }
                    if (goneAfter > 0) {
                        goneAfter--;
                    }
                }
                try {
                    decoder.feed(buffer, 0, got);
                } catch (EscPosDecoder.UnknownCommandException garbled) {
                    LOG.warning("the simulated printer could not read what it was sent: " + garbled.getMessage());
                    decoder.discardPage();
                    decoder = new EscPosDecoder(this::cut);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the simulated printer's pipe failed", e);
        }
    }

    private void cut(EscPosDecoder.Page page) {
        Slip slip = new Slip(page.text(), clock.instant(), page, PageRenderer.png(page, columns));
        synchronized (lock) {
            printed.add(slip);
        }
    }

    @Override
    public void close() {
        unplug();
        synchronized (lock) {
            closed = true;
        }
    }
}
