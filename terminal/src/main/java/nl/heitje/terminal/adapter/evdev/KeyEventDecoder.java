// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import java.io.IOException;
import java.io.InputStream;
import nl.heitje.terminal.device.ScanLineFramer;

/**
 * Reads the lines a keyboard-wedge scanner types from the raw {@code input_event} stream of its device: key
 * presses become characters on a US layout (shift from either shift key), Enter ends a line. Releases and
 * autorepeats type nothing. Pure: any {@link InputStream} will do, which is how the simulator feeds it.
 */
public final class KeyEventDecoder {
    private static final int EV_SYN = 0;
    private static final int EV_KEY = 1;
    private static final int SYN_DROPPED = 3;
    private static final int PRESS = 1;

    private final InputEventLayout layout;
    private final ScanLineFramer framer;
    private final byte[] event;
    private int filled;
    private boolean leftShift;
    private boolean rightShift;

    public KeyEventDecoder(InputEventLayout layout, ScanLineFramer framer) {
        this.layout = layout;
        this.framer = framer;
        this.event = new byte[layout.eventSize()];
    }

    /** Decodes until the stream ends; an unfinished event or line at the end is lost with the device. */
    public void decode(InputStream stream) throws IOException {
        byte[] buffer = new byte[layout.eventSize() * 64];
        int read;
        while ((read = stream.read(buffer)) >= 0) {
            feed(buffer, 0, read);
        }
    }

    /** Accepts bytes as they come; events may be split anywhere. */
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            event[filled++] = bytes[i];
            if (filled == event.length) {
                filled = 0;
                onEvent();
            }
        }
    }

    private void onEvent() {
        int at = layout.typeOffset();
        int type = unsigned16(at);
        int code = unsigned16(at + 2);
        int value = (event[at + 4] & 0xff) | (event[at + 5] & 0xff) << 8 | (event[at + 6] & 0xff) << 16
                | event[at + 7] << 24;
        if (type == EV_SYN && code == SYN_DROPPED) {
            // The kernel's buffer overflowed: keys of this line are lost and the shift state is unknown.
            framer.damage("the kernel dropped key events");
            leftShift = false;
            rightShift = false;
        } else if (type == EV_KEY) {
            onKey(code, value);
        }
    }

    private void onKey(int code, int value) {
        if (code == UsKeyMap.KEY_LEFTSHIFT) {
            leftShift = value != 0;
        } else if (code == UsKeyMap.KEY_RIGHTSHIFT) {
            rightShift = value != 0;
        } else if (value != PRESS || UsKeyMap.isSilent(code)) {
            return;
        } else if (UsKeyMap.isEnter(code)) {
            framer.endLine();
        } else {
            char typed = UsKeyMap.charFor(code, leftShift || rightShift);
            if (typed == UsKeyMap.NONE) {
                framer.damage("key code " + code + " types nothing on a US keyboard");
            } else {
                framer.append(typed);
            }
        }
    }

    private int unsigned16(int at) {
        return (event[at] & 0xff) | (event[at + 1] & 0xff) << 8;
    }
}
