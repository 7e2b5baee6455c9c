// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

/**
 * What a US keyboard types for a Linux key code ({@code linux/input-event-codes.h}), with and without shift. A
 * keyboard-wedge scanner "types" its code on this layout: payment codes need the digits, capitals, space and
 * {@code $%*+-./:}; the rest of the printable keys are here so that other codes arrive as typed.
 */
public final class UsKeyMap {
    public static final int KEY_ENTER = 28;
    public static final int KEY_LEFTSHIFT = 42;
    public static final int KEY_RIGHTSHIFT = 54;
    public static final int KEY_KPENTER = 96;

    /** No character: the key is unknown or types nothing printable. */
    public static final char NONE = 0;

    private static final char[] PLAIN = new char[128];
    private static final char[] SHIFTED = new char[128];
    /** Keys that change how others type or type nothing; a scanner may press them around a code. */
    private static final int[] SILENT = {1, 29, 56, 58, 69, 70, 97, 100, 125, 126};

    static {
        row(2, "1234567890-=", "!@#$%^&*()_+");
        row(16, "qwertyuiop[]", "QWERTYUIOP{}");
        row(30, "asdfghjkl;'`", "ASDFGHJKL:\"~");
        row(43, "\\zxcvbnm,./", "|ZXCVBNM<>?");
        key(57, ' ', ' ');
        // The keypad types the same with or without shift; scanners that use it assume Num Lock is on.
        key(55, '*', '*');
        row(71, "789-456+1230.", "789-456+1230.");
        key(98, '/', '/');
        key(117, '=', '=');
    }

    private UsKeyMap() {
    }

    private static void row(int firstCode, String plain, String shifted) {
        for (int i = 0; i < plain.length(); i++) {
            key(firstCode + i, plain.charAt(i), shifted.charAt(i));
        }
    }

    private static void key(int code, char plain, char shifted) {
        PLAIN[code] = plain;
        SHIFTED[code] = shifted;
    }

    /** The character typed, or {@link #NONE}. */
    public static char charFor(int code, boolean shift) {
        if (code < 0 || code >= PLAIN.length) {
            return NONE;
        }
        return shift ? SHIFTED[code] : PLAIN[code];
    }

    public static boolean isSilent(int code) {
        for (int silent : SILENT) {
            if (silent == code) {
                return true;
            }
        }
        return false;
    }

    public static boolean isShift(int code) {
        return code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT;
    }

    public static boolean isEnter(int code) {
        return code == KEY_ENTER || code == KEY_KPENTER;
    }

    /** The highest key code this map knows, for walking it. */
    public static int maxCode() {
        return PLAIN.length - 1;
    }
}
