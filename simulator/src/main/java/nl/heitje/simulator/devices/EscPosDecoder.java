// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an ESC/POS stream back as a printer would, one byte at a time, and hands over each page at its cut: its
 * text lines with their style, and its QR codes. It knows the commands the terminal's encoder sends and a few
 * more; any other command is an error, so the simulator never prints as fine what a real printer would garble.
 */
public final class EscPosDecoder {
    /** Something on a printed page. */
    public sealed interface Mark permits Text, Qr {
    }

    /** @param align 0 left, 1 centre, 2 right; {@code small}: the narrow font B */
    public record Text(String text, int align, boolean bold, boolean large, boolean small) implements Mark {
    }

    public record Qr(String data, int moduleDots) implements Mark {
    }

    /** One page, from the printer's initialisation (or the last cut) to its cut. */
    public record Page(List<Mark> marks) {
        public Page {
            marks = List.copyOf(marks);
        }

        /** The page's text lines, each ended by a newline. */
        public String text() {
            StringBuilder text = new StringBuilder();
            marks.stream().filter(m -> m instanceof Text).forEach(m -> text.append(((Text) m).text()).append('\n'));
            return text.toString();
        }

        public List<Qr> qrCodes() {
            return marks.stream().filter(m -> m instanceof Qr).map(m -> (Qr) m).toList();
        }
    }

    /** A command this printer does not know, or one cut short. */
    public static final class UnknownCommandException extends IllegalStateException {
        UnknownCommandException(String message) {
            super(message);
        }
    }

    private final Consumer<Page> pages;
    private final List<Mark> marks = new ArrayList<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** The bytes of a command being read, from its ESC or GS. */
    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private int align;
    private boolean bold;
    private boolean large;
    private boolean small;
    private int qrModuleDots = 3;
    private byte[] qrStored;
    /** A QR code was just printed: the next line feed ends its row. */
    private boolean qrRowOpen;

    public EscPosDecoder(Consumer<Page> pages) {
        this.pages = pages;
    }

    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            feed(bytes[i]);
        }
    }

    /** Forgets a page begun and not cut: what a printer switched off loses. */
    public void discardPage() {
        marks.clear();
        line.reset();
        command.reset();
        resetStyle();
    }

    private void feed(byte b) {
        if (command.size() > 0) {
            command.write(b);
            completeCommand();
            return;
        }
        if (b == 0x1b || b == 0x1d || b == 0x10) {
            command.write(b);
        } else if (b == 0x0a) {
            // The feed that follows a QR code ends the code's row, not a line of text.
            if (qrRowOpen && line.size() == 0) {
                qrRowOpen = false;
            } else {
                endLine();
            }
        } else if (b == 0x0d) {
            // Carriage return: the printer waits for the line feed.
            return;
        } else if (b >= 0x20 && b <= 0x7e) {
            qrRowOpen = false;
            line.write(b);
        } else {
            throw new UnknownCommandException(String.format("unexpected control byte 0x%02x", b));
        }
    }

    /** Acts on the command read so far when it is complete; leaves it to grow otherwise. */
    private void completeCommand() {
        byte[] c = command.toByteArray();
        int introducer = c[0];
        if (c.length < 2) {
            return;
        }
        int name = c[1];
        if (introducer == 0x1b) {
            switch (name) {
                case '@' -> done(this::resetStyle);
                case 't' -> { if (c.length == 3) done(() -> { }); }
                case 'a' -> { if (c.length == 3) done(() -> align = Math.min(2, c[2] & 0x03)); }
                case 'E' -> { if (c.length == 3) done(() -> bold = (c[2] & 1) == 1); }
                case 'M' -> { if (c.length == 3) done(() -> small = (c[2] & 1) == 1); }
                case 'd' -> { if (c.length == 3) done(() -> feedLines(c[2] & 0xff)); }
                default -> throw new UnknownCommandException(String.format("unknown command ESC 0x%02x", name));
            }
        } else if (introducer == 0x1d) {
            switch (name) {
                case '!' -> { if (c.length == 3) done(() -> large = (c[2] & 0x11) != 0); }
                case 'V' -> cut(c);
                case '(' -> qrFunction(c);
                default -> throw new UnknownCommandException(String.format("unknown command GS 0x%02x", name));
            }
        } else {
            // DLE EOT n: a status request; a page never holds one, the printer answers it.
            if (c.length == 3) {
                done(() -> { });
            }
        }
    }

    private void done(Runnable action) {
        command.reset();
        action.run();
    }

    private void cut(byte[] c) {
        int mode = c.length > 2 ? c[2] & 0xff : -1;
        boolean withFeed = mode == 65 || mode == 66;
        if (c.length == 3 && !withFeed || c.length == 4) {
            done(() -> {
                if (line.size() > 0) {
                    endLine();
                }
                pages.accept(new Page(marks));
                marks.clear();
                resetStyle();
            });
        }
    }

    /** {@code GS ( k pL pH cn fn …}: only the QR functions (cn 49). */
    private void qrFunction(byte[] c) {
        if (c.length >= 3 && c[2] != 'k') {
            throw new UnknownCommandException(String.format("unknown command GS ( 0x%02x", c[2]));
        }
        if (c.length < 5) {
            return;
        }
        int length = (c[3] & 0xff) | (c[4] & 0xff) << 8;
        if (c.length < 5 + length) {
            return;
        }
        if (length < 2 || c[5] != 49) {
            throw new UnknownCommandException("GS ( k for a symbol other than QR (cn " + c[5] + ")");
        }
        int function = c[6];
        byte[] parameters = java.util.Arrays.copyOfRange(c, 7, 5 + length);
        done(() -> {
            switch (function) {
                case 'A', 'E' -> { }
                case 'C' -> qrModuleDots = parameters[0] & 0xff;
                case 'P' -> qrStored = java.util.Arrays.copyOfRange(parameters, 1, parameters.length);
                case 'Q' -> {
                    if (qrStored == null) {
                        throw new UnknownCommandException("QR print without data stored");
                    }
                    marks.add(new Qr(new String(qrStored, StandardCharsets.UTF_8), qrModuleDots));
                    qrRowOpen = true;
                }
                default -> throw new UnknownCommandException("unknown QR function " + function);
            }
        });
    }

    private void endLine() {
        marks.add(new Text(line.toString(StandardCharsets.US_ASCII), align, bold, large, small));
        line.reset();
    }

    private void feedLines(int count) {
        for (int i = 0; i < count; i++) {
            endLine();
        }
    }

    private void resetStyle() {
        align = 0;
        bold = false;
        large = false;
        small = false;
        qrModuleDots = 3;
        qrStored = null;
    }
}
