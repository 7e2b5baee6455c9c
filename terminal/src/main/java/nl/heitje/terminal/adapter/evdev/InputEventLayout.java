// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import java.util.Locale;

/**
 * How the kernel lays out one {@code struct input_event} for this process: a {@code timeval} of two longs, then
 * type (u16), code (u16) and value (s32), little-endian on every Pi. The kernel answers in the reading process's
 * own layout, so a 32-bit JVM on a 64-bit kernel still reads the 16-byte form.
 */
public enum InputEventLayout {
    BITS_64(24),
    BITS_32(16);

    private final int size;

    InputEventLayout(int size) {
        this.size = size;
    }

    public int eventSize() {
        return size;
    }

    public int typeOffset() {
        return size - 8;
    }

    /** {@code auto}, {@code 64} or {@code 32}, as configured. */
    public static InputEventLayout parse(String configured) {
        String value = configured == null ? "auto" : configured.trim().toLowerCase(Locale.ROOT);
        if (value.equals("auto")) {
            return ofThisJvm();
        }
        if (value.equals("64")) {
            return BITS_64;
        }
        if (value.equals("32")) {
            return BITS_32;
        }
        throw new IllegalArgumentException("scanner layout must be auto, 64 or 32, not '" + configured + "'");
    }

    public static InputEventLayout ofThisJvm() {
        String dataModel = System.getProperty("sun.arch.data.model", "");
        if (dataModel.equals("32") || dataModel.equals("64")) {
            return dataModel.equals("64") ? BITS_64 : BITS_32;
        }
        return System.getProperty("os.arch", "").contains("64") ? BITS_64 : BITS_32;
    }
}
