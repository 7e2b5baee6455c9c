// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds {@code input_event} bytes by hand, with the kernel's numbers written out here rather than taken from the
 * code under test: a wrong key in {@link UsKeyMap} must show up as a failing test.
 */
final class InputEvents {
    static final int EV_SYN = 0;
    static final int EV_KEY = 1;
    static final int EV_MSC = 4;
    static final int LEFTSHIFT = 42;
    static final int RIGHTSHIFT = 54;
    static final int ENTER = 28;
    static final int KPENTER = 96;

    private final InputEventLayout layout;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long micros = 1_700_000_000_000_000L;

    InputEvents(InputEventLayout layout) {
        this.layout = layout;
    }

    InputEvents event(int type, int code, int value) {
        ByteBuffer event = ByteBuffer.allocate(layout.eventSize()).order(ByteOrder.LITTLE_ENDIAN);
        micros += 1000;
        if (layout == InputEventLayout.BITS_64) {
            event.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
        } else {
            event.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
        }
        event.putShort((short) type).putShort((short) code).putInt(value);
        bytes.writeBytes(event.array());
        return this;
    }

    /** A key pressed and released, as a scanner sends it: scan code, press, report, release, report. */
    InputEvents tap(int code) {
        return event(EV_MSC, 4, 0x70000 + code).event(EV_KEY, code, 1).event(EV_SYN, 0, 0)
                .event(EV_KEY, code, 0).event(EV_SYN, 0, 0);
    }

    InputEvents shifted(int shiftKey, int code) {
        return event(EV_KEY, shiftKey, 1).event(EV_SYN, 0, 0).tap(code).event(EV_KEY, shiftKey, 0)
                .event(EV_SYN, 0, 0);
    }

    InputEvents type(String text) {
        for (char c : text.toCharArray()) {
            int[] key = key(c);
            if (key[1] == 1) {
                shifted(LEFTSHIFT, key[0]);
            } else {
                tap(key[0]);
            }
        }
        return this;
    }

    InputEvents enter() {
        return tap(ENTER);
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    /** Key code and whether shift is held, for the characters payment codes and tests use (US layout). */
    static int[] key(char c) {
        String upperRows = "QWERTYUIOP";
        String middle = "ASDFGHJKL";
        String lower = "ZXCVBNM";
        if (c >= '1' && c <= '9') {
            return new int[] {2 + c - '1', 0};
        }
        if (c == '0') {
            return new int[] {11, 0};
        }
        char upper = Character.toUpperCase(c);
        int shift = Character.isUpperCase(c) ? 1 : 0;
        if (upperRows.indexOf(upper) >= 0) {
            return new int[] {16 + upperRows.indexOf(upper), shift};
        }
        if (middle.indexOf(upper) >= 0) {
            return new int[] {30 + middle.indexOf(upper), shift};
        }
        if (lower.indexOf(upper) >= 0) {
            return new int[] {44 + lower.indexOf(upper), shift};
        }
        switch (c) {
            case ' ': return new int[] {57, 0};
            case '$': return new int[] {5, 1};
            case '%': return new int[] {6, 1};
            case '*': return new int[] {9, 1};
            case '+': return new int[] {13, 1};
            case '-': return new int[] {12, 0};
            case '.': return new int[] {52, 0};
            case '/': return new int[] {53, 0};
            case ':': return new int[] {39, 1};
            case '_': return new int[] {12, 1};
            case '?': return new int[] {53, 1};
            case '"': return new int[] {40, 1};
            default: throw new IllegalArgumentException("no key in this test for " + c);
        }
    }
}
