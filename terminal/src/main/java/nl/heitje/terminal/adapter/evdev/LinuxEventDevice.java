// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * An opened {@code /dev/input/event*} device, grabbed for this process alone ({@code EVIOCGRAB}): without the grab
 * the scanner's keys also reach the console and whatever has focus there. Read through {@code poll} with a short
 * timeout, so that closing it from another thread (or interrupting the reader) ends a read within a quarter second.
 */
final class LinuxEventDevice extends InputStream {
    private static final Logger LOG = Logger.getLogger(LinuxEventDevice.class.getName());
    /** {@code _IOW('E', 0x90, int)}: the same number on every architecture a Pi runs. */
    private static final long EVIOCGRAB = 0x40044590L;
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int POLL_MILLIS = 250;

    interface LibC extends Library {
        int open(String path, int flags);

        int ioctl(int fd, NativeLong request, int argument);

        int poll(Memory fds, int count, int timeoutMillis);

        NativeLong read(int fd, byte[] buffer, NativeLong count);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
    }

    private final Path path;
    private final Memory pollFd = new Memory(8);
    private final byte[] chunk = new byte[4096];
    private int fd;
    private boolean reading;
    private volatile boolean closed;

    private LinuxEventDevice(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens and grabs the device; a device that cannot be grabbed is read all the same, with a warning. */
    static LinuxEventDevice open(Path path) throws IOException {
        LibC libc = Holder.LIBC;
        int fd = libc.open(path.toString(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + path + " (errno " + Native.getLastError() + ")");
        }
        if (libc.ioctl(fd, new NativeLong(EVIOCGRAB), 1) != 0) {
            int errno = Native.getLastError();
            LOG.warning(() -> "cannot grab " + path + " for this process alone (errno " + errno
                    + "): the scanner's keys also reach the console");
        }
        return new LinuxEventDevice(path, fd);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        synchronized (this) {
            if (closed) {
                return -1;
            }
            reading = true;
        }
        try {
            return readOpen(buffer, offset, length);
        } finally {
            synchronized (this) {
                reading = false;
                if (closed) {
                    closeFd();
                }
            }
        }
    }

    private int readOpen(byte[] buffer, int offset, int length) throws IOException {
        LibC libc = Holder.LIBC;
        while (!closed) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("reading " + path + " interrupted");
            }
            pollFd.setInt(0, fd);
            pollFd.setShort(4, POLLIN);
            pollFd.setShort(6, (short) 0);
            int ready = libc.poll(pollFd, 1, POLL_MILLIS);
            if (ready < 0) {
                int errno = Native.getLastError();
                if (errno == EINTR) {
                    continue;
                }
                throw new IOException("poll on " + path + " failed (errno " + errno + ")");
            }
            if (ready == 0) {
                continue;
            }
            // Readable, or hung up / in error: read tells which (an unplugged device answers ENODEV).
            long got = libc.read(fd, chunk, new NativeLong(Math.min(length, chunk.length))).longValue();
            if (got > 0) {
                System.arraycopy(chunk, 0, buffer, offset, (int) got);
                return (int) got;
            }
            if (got == 0) {
                return -1;
            }
            int errno = Native.getLastError();
            if (errno != EAGAIN && errno != EINTR) {
                throw new IOException("reading " + path + " failed (errno " + errno + "): unplugged?");
            }
        }
        return -1;
    }

    /** Safe from any thread: a read in progress notices within its poll timeout and closes the descriptor itself. */
    @Override
    public synchronized void close() {
        closed = true;
        if (!reading) {
            closeFd();
        }
    }

    private void closeFd() {
        if (fd >= 0) {
            // Closing the descriptor also releases the grab.
            Holder.LIBC.close(fd);
            fd = -1;
        }
    }
}
