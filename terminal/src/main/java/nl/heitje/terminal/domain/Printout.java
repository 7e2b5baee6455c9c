// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One slip as the printer should produce it, before any printer language: lines of text in a style, QR codes, and
 * the cut at the end. Text is plain ASCII laid out for {@code columns} characters per line, so any printer's
 * built-in code page prints it alike.
 */
public record Printout(int columns, List<Element> elements) {

    public enum Align { LEFT, CENTER, RIGHT }

    /** What a slip is made of. */
    public sealed interface Element permits Line, Qr {
    }

    /**
     * @param large twice the width and twice the height: a line of {@code large} text holds half the columns
     * @param small the printer's narrow font (9 dots a character rather than 12): a third more characters, for
     *              what must fit on one line to be read or typed over, like a payment id
     */
    public record Line(String text, Align align, boolean bold, boolean large, boolean small) implements Element {
        public Line(String text, Align align, boolean bold, boolean large) {
            this(text, align, bold, large, false);
        }

        public Line {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(align, "align");
            if (large && small) {
                throw new IllegalArgumentException("a line is large or small, not both");
            }
            for (char c : text.toCharArray()) {
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("a printed line is printable ASCII only: " + (int) c);
                }
            }
        }
    }

    /** A QR code of {@code data}, each module {@code moduleDots} printer dots wide, centred. */
    public record Qr(String data, int moduleDots) implements Element {
        public Qr {
            Objects.requireNonNull(data, "data");
            if (data.isEmpty() || moduleDots < 1 || moduleDots > 16) {
                throw new IllegalArgumentException("a QR code has data and a module of 1 to 16 dots");
            }
        }
    }

    public Printout {
        if (columns != 32 && columns != 48) {
            throw new IllegalArgumentException("a receipt printer prints 32 (58 mm) or 48 (80 mm) columns, not "
                    + columns);
        }
        elements = List.copyOf(elements);
    }

    /** The characters of the narrow font on a line: 42 on 58 mm paper, 64 on 80 mm. */
    public int smallColumns() {
        return columns * 4 / 3;
    }

    /** The columns of a roll this many millimetres wide: 58 or 80. */
    public static int columnsOf(int paperWidthMm) {
        return switch (paperWidthMm) {
            case 58 -> 32;
            case 80 -> 48;
            default -> throw new IllegalArgumentException("paper is 58 or 80 mm wide, not " + paperWidthMm);
        };
    }

    /** The slip's text, one line per printed line, without styles or codes: what a person reads off it. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Element element : elements) {
            if (element instanceof Line line) {
                text.append(line.text()).append('\n');
            }
        }
        return text.toString();
    }

    /** Builds a slip line by line; text too long for a line is wrapped, never cut off. */
    public static final class Builder {
        private final int columns;
        private final List<Element> elements = new ArrayList<>();

        public Builder(int columns) {
            this.columns = columns;
        }

        public Builder line(String text) {
            return line(text, Align.LEFT, false, false);
        }

        public Builder centered(String text) {
            return line(text, Align.CENTER, false, false);
        }

        public Builder heading(String text) {
            return line(text, Align.CENTER, true, true);
        }

        /** In the narrow font, centred: an id or a link that should stay on one line. */
        public Builder fine(String text) {
            String rest = printable(text);
            int width = columns * 4 / 3;
            do {
                int cut = Math.min(width, rest.length());
                elements.add(new Line(rest.substring(0, cut), Align.CENTER, false, false, true));
                rest = rest.substring(cut);
            } while (!rest.isEmpty());
            return this;
        }

        public Builder bold(String text) {
            return line(text, Align.LEFT, true, false);
        }

        public Builder blank() {
            elements.add(new Line("", Align.LEFT, false, false));
            return this;
        }

        /** A label on the left, its value on the right of the same line (or the next, when both do not fit). */
        public Builder pair(String label, String value) {
            return pair(label, value, false);
        }

        public Builder pair(String label, String value, boolean bold) {
            String cleanLabel = printable(label);
            String cleanValue = printable(value);
            int gap = columns - cleanLabel.length() - cleanValue.length();
            if (gap >= 1) {
                elements.add(new Line(cleanLabel + " ".repeat(gap) + cleanValue, Align.LEFT, bold, false));
            } else {
                line(cleanLabel, Align.LEFT, bold, false);
                line(cleanValue, Align.RIGHT, bold, false);
            }
            return this;
        }

        public Builder rule() {
            elements.add(new Line("-".repeat(columns), Align.LEFT, false, false));
            return this;
        }

        public Builder qr(String data) {
            elements.add(new Qr(data, columns == 48 ? 6 : 5));
            return this;
        }

        public Builder line(String text, Align align, boolean bold, boolean large) {
            int width = large ? columns / 2 : columns;
            String rest = printable(text);
            do {
                int cut = Math.min(width, rest.length());
                int space = rest.lastIndexOf(' ', width);
                if (cut < rest.length() && space > 0) {
                    cut = space;
                }
                elements.add(new Line(rest.substring(0, cut), align, bold, large));
                rest = rest.substring(cut).stripLeading();
            } while (!rest.isEmpty());
            return this;
        }

        public Printout build() {
            return new Printout(columns, elements);
        }

        /**
         * Printers have no common code page beyond ASCII: accented letters lose their accent, the euro sign is
         * spelt out, anything else becomes '?'.
         */
        static String printable(String text) {
            String plain = java.text.Normalizer.normalize(text.replace("\u20ac", "EUR"), java.text.Normalizer.Form.NFD)
                    .replaceAll("\\p{M}", "");
            StringBuilder out = new StringBuilder(plain.length());
            for (char c : plain.toCharArray()) {
                out.append(c >= 0x20 && c <= 0x7e ? c : '?');
            }
            return out.toString();
        }
    }
}
