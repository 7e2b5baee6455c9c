// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

/**
 * Turns the characters a scanner types into the lines it meant: one line per code, handed on only when every
 * character of it is printable ASCII and it is no longer than the cap. A damaged line (an unknown key, a byte that
 * is not printable, lost input, too long) is dropped whole: half a code is never handed on as if it were a code.
 */
public final class ScanLineFramer {
    /** Far above the 328 characters of a payment code, far below what would strain memory on a stuck key. */
    public static final int DEFAULT_MAX_LENGTH = 2048;

    /** Where complete lines and the reasons for dropped ones go. */
    public interface Sink {
        void line(String text);

        void dropped(String reason);
    }

    private final int maxLength;
    private final Sink sink;
    private final StringBuilder line = new StringBuilder();
    private int typed;
    private String damage;

    public ScanLineFramer(int maxLength, Sink sink) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
        }
        this.maxLength = maxLength;
        this.sink = sink;
    }

    public void append(char c) {
        typed++;
        if (damage != null) {
            return;
        }
        if (c < 0x20 || c > 0x7e) {
            damage(String.format("a character that is not printable ASCII (0x%02x)", (int) c));
        } else if (line.length() >= maxLength) {
            damage("longer than " + maxLength + " characters");
        } else {
            line.append(c);
        }
    }

    /** Marks the line in progress as unusable; the first reason is the one reported. */
    public void damage(String reason) {
        if (damage == null) {
            damage = reason;
            line.setLength(0);
        }
    }

    /** The end of a line (Enter, CR, LF): hands it on, drops it with its reason, or ignores it when empty. */
    public void endLine() {
        if (damage != null) {
            sink.dropped("line of " + typed + " characters dropped: " + damage);
        } else if (line.length() > 0) {
            sink.line(line.toString());
        }
        line.setLength(0);
        typed = 0;
        damage = null;
    }

    /** Characters typed since the last end of line, if any: what an unplugged device leaves unfinished. */
    public boolean hasPartialLine() {
        return typed > 0;
    }
}
