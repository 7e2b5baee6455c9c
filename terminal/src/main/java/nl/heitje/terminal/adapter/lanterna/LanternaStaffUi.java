// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.terminal.port.PaymentEvents;

/**
 * The bar staff's screen on a text terminal (the Pi's console, or the terminal {@code simulator/run} started in).
 * One thread polls keys, resizes and the status, and redraws whenever the model changed: Lanterna's blocking read
 * would miss a resize. Payment events reach the model from the event bus's own thread.
 */
public final class LanternaStaffUi implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LanternaStaffUi.class.getName());
    private static final long POLL_MILLIS = 20;
    private static final long STATUS_EVERY_MILLIS = 1000;

    private final Screen screen;
    private final StaffUiModel model;
    private final Supplier<StaffStatus> status;
    private final StaffScreenView view;
    private long drawnVersion = -1;
    private long statusReadAt = Long.MIN_VALUE;
    private volatile boolean running;
    private Thread loop;

    public LanternaStaffUi(Terminal terminal, StaffUiModel model, Supplier<StaffStatus> status, ZoneId zone) {
        try {
            this.screen = new TerminalScreen(terminal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the staff screen", e);
        }
        this.model = model;
        this.status = status;
        this.view = new StaffScreenView(zone);
    }

    /**
     * On the terminal this process was started in (stdin/stdout), or the console when run as a service.
     *
     * @param ctrlCEnds whether Ctrl-C ends the process (a developer's simulator), or is only a key (the bar's
     *                  console: a keyboard at the counter must not stop the payment service)
     */
    public static LanternaStaffUi onOwnTerminal(StaffUiModel model, Supplier<StaffStatus> status, ZoneId zone,
                                                boolean ctrlCEnds) {
        try {
            return new LanternaStaffUi(new DefaultTerminalFactory().setForceTextTerminal(true)
                    .setUnixTerminalCtrlCBehaviour(ctrlCEnds ? UnixTerminal.CtrlCBehaviour.CTRL_C_KILLS_APPLICATION
                            : UnixTerminal.CtrlCBehaviour.TRAP)
                    .createTerminal(), model, status, zone);
        } catch (IOException e) {
            throw new UncheckedIOException("no text terminal for the staff screen", e);
        }
    }

    public void listenTo(PaymentEvents events) {
        events.subscribe(model::onEvent);
    }

    public StaffUiModel model() {
        return model;
    }

    /** Takes over the screen and runs the key loop on a thread of its own until {@link #close()}. */
    public synchronized void start() {
        open();
        running = true;
        loop = new Thread(this::run, "staff-ui");
        loop.setDaemon(true);
        loop.start();
    }

    /** Takes over the screen without a thread: for tests that {@link #step()} by hand. */
    public void open() {
        try {
            screen.startScreen();
            screen.setCursorPosition(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the staff screen", e);
        }
    }

    private void run() {
        while (running) {
            try {
                if (!step()) {
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | IOException fault) {
                // The till and the card reader go on without the screen; say why it stopped responding to keys.
                LOG.log(Level.WARNING, "the staff screen failed; retrying", fault);
                drawnVersion = -1;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Handles every key waiting, reads the status when it is due, and redraws if anything changed or the terminal
     * was resized. True when a key was handled.
     */
    public boolean step() throws IOException {
        boolean handled = false;
        KeyStroke key;
        while ((key = screen.pollInput()) != null) {
            if (key.getKeyType() == KeyType.EOF) {
                running = false;
                break;
            }
            model.handle(key);
            handled = true;
        }
        long now = System.nanoTime() / 1_000_000;
        if (statusReadAt == Long.MIN_VALUE || now - statusReadAt >= STATUS_EVERY_MILLIS) {
            statusReadAt = now;
            model.updateStatus(status.get());
        }
        TerminalSize resized = screen.doResizeIfNecessary();
        long version = model.version();
        if (resized != null || version != drawnVersion) {
            drawnVersion = version;
            TextGraphics graphics = screen.newTextGraphics();
            view.draw(model.view(), graphics, screen.getTerminalSize());
            screen.refresh(resized != null ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
        }
        return handled;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(2000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            screen.stopScreen();
        } catch (IOException | RuntimeException ignored) {
            // Leaving: a terminal that is already gone needs no restoring.
        }
    }
}
