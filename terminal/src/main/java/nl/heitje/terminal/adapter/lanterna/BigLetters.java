// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Five-line block letters for the outcome, readable across the bar: the letters of APPROVED, DECLINED, BETAALD,
 * GEWEIGERD, CANCELLED, EXPIRED, GEANNULEERD and VERLOPEN, five columns each and one apart.
 */
final class BigLetters {
    static final int HEIGHT = 5;
    private static final Map<Character, String[]> GLYPHS = new HashMap<>();

    static {
        glyph('A', " ### ", "#   #", "#####", "#   #", "#   #");
        glyph('B', "#### ", "#   #", "#### ", "#   #", "#### ");
        glyph('C', " ####", "#    ", "#    ", "#    ", " ####");
        glyph('D', "#### ", "#   #", "#   #", "#   #", "#### ");
        glyph('E', "#####", "#    ", "#### ", "#    ", "#####");
        glyph('G', " ####", "#    ", "#  ##", "#   #", " ####");
        glyph('I', "#####", "  #  ", "  #  ", "  #  ", "#####");
        glyph('L', "#    ", "#    ", "#    ", "#    ", "#####");
        glyph('N', "#   #", "##  #", "# # #", "#  ##", "#   #");
        glyph('O', " ### ", "#   #", "#   #", "#   #", " ### ");
        glyph('P', "#### ", "#   #", "#### ", "#    ", "#    ");
        glyph('R', "#### ", "#   #", "#### ", "#  # ", "#   #");
        glyph('T', "#####", "  #  ", "  #  ", "  #  ", "  #  ");
        glyph('U', "#   #", "#   #", "#   #", "#   #", " ### ");
        glyph('V', "#   #", "#   #", "#   #", " # # ", "  #  ");
        glyph('W', "#   #", "#   #", "# # #", "## ##", "#   #");
        glyph('X', "#   #", " # # ", "  #  ", " # # ", "#   #");
        glyph(' ', "     ", "     ", "     ", "     ", "     ");
    }

    private static void glyph(char letter, String... rows) {
        GLYPHS.put(letter, rows);
    }

    private BigLetters() {
    }

    static int width(String word) {
        return word.isEmpty() ? 0 : word.length() * 6 - 1;
    }

    /** The word as five lines; a letter without a glyph is left blank. */
    static List<String> render(String word) {
        StringBuilder[] lines = new StringBuilder[HEIGHT];
        for (int row = 0; row < HEIGHT; row++) {
            lines[row] = new StringBuilder();
            for (int i = 0; i < word.length(); i++) {
                String[] glyph = GLYPHS.getOrDefault(word.charAt(i), GLYPHS.get(' '));
                lines[row].append(i == 0 ? "" : " ").append(glyph[row]);
            }
        }
        return java.util.Arrays.stream(lines).map(StringBuilder::toString).toList();
    }
}
