// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import nl.heitje.terminal.adapter.evdev.InputEventLayout;
import nl.heitje.terminal.adapter.evdev.UsKeyMap;

/**
 * Types text as a keyboard-wedge scanner does: for each character its key (with left shift held for capitals and
 * symbols) pressed and released, each event followed by a report, and Enter at the end. The key for a character
 * is the first one on a US keyboard that types it, main keys before the keypad, as scanners send.
 */
public final class KeyEventEncoder {
    private static final int EV_SYN = 0;
    private static final int EV_KEY = 1;
    private static final int EV_MSC = 4;
    private static final int MSC_SCAN = 4;
    /** Key code, and 1 in the high bit when shift is held. */
    private static final Map<Character, Integer> KEYS = new HashMap<>();

    static {
        for (int code = 1; code <= UsKeyMap.maxCode(); code++) {
            char plain = UsKeyMap.charFor(code, false);
            if (plain != UsKeyMap.NONE) {
                KEYS.putIfAbsent(plain, code);
            }
            char shifted = UsKeyMap.charFor(code, true);
            if (shifted != UsKeyMap.NONE) {
                KEYS.putIfAbsent(shifted, code | 0x10000);
            }
        }
    }

    private final InputEventLayout layout;
    private ByteBuffer out;
    private long micros = System.currentTimeMillis() * 1000;

    public KeyEventEncoder(InputEventLayout layout) {
        this.layout = layout;
    }

    /** The events for {@code text} and Enter; a character no US key types is refused before anything is sent. */
    public byte[] encode(String text) {
        for (char c : text.toCharArray()) {
            if (!KEYS.containsKey(c)) {
                throw new IllegalArgumentException(String.format("a US keyboard has no key for '%s' (U+%04X)", c, (int) c));
            }
        }
        out = ByteBuffer.allocate((text.length() * 12 + 6) * layout.eventSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (char c : text.toCharArray()) {
            int key = KEYS.get(c);
            boolean shift = (key & 0x10000) != 0;
            if (shift) {
                key(UsKeyMap.KEY_LEFTSHIFT, 1);
            }
            tap(key & 0xffff);
            if (shift) {
                key(UsKeyMap.KEY_LEFTSHIFT, 0);
            }
        }
        tap(UsKeyMap.KEY_ENTER);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    private void tap(int code) {
        event(EV_MSC, MSC_SCAN, 0x70000 + code);
        key(code, 1);
        key(code, 0);
    }

    private void key(int code, int value) {
        event(EV_KEY, code, value);
        event(EV_SYN, 0, 0);
    }

    private void event(int type, int code, int value) {
        micros += 250;
        if (layout == InputEventLayout.BITS_64) {
            out.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
        } else {
            out.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
        }
        out.putShort((short) type).putShort((short) code).putInt(value);
    }
}
