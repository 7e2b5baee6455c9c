// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScanLineFramerTest {
    private final CollectingSink sink = new CollectingSink();
    private final ScanLineFramer framer = new ScanLineFramer(5, sink);

    private void type(String text) {
        text.chars().forEach(c -> framer.append((char) c));
    }

    @Test
    void handsOnPrintableLinesUpToTheCapAndIgnoresEmptyOnes() {
        type("AB C$");
        framer.endLine();
        framer.endLine();
        assertEquals(List.of("AB C$"), sink.lines);
        assertTrue(sink.dropped.isEmpty());
    }

    @Test
    void dropsALineOverTheCapWholeAndGoesOn() {
        type("ABCDEF");
        framer.endLine();
        type("OK");
        framer.endLine();
        assertEquals(List.of("OK"), sink.lines);
        assertEquals(1, sink.dropped.size());
        assertTrue(sink.dropped.get(0).contains("6 characters") && sink.dropped.get(0).contains("longer than 5"),
                sink.dropped.get(0));
    }

    @Test
    void dropsALineWithANonPrintableCharacter() {
        type("A\tB");
        framer.endLine();
        type("A\u00e9");
        framer.endLine();
        assertTrue(sink.lines.isEmpty());
        assertEquals(2, sink.dropped.size());
        assertTrue(sink.dropped.get(1).contains("0xe9"), sink.dropped.get(1));
    }

    @Test
    void aDamagedLineReportsItsFirstReason() {
        type("AB");
        framer.damage("lost keys");
        type("CD");
        assertTrue(framer.hasPartialLine());
        framer.endLine();
        assertFalse(framer.hasPartialLine());
        assertEquals(List.of("line of 4 characters dropped: lost keys"), sink.dropped);
    }

    @Test
    void refusesANonsensicalCap() {
        assertThrows(IllegalArgumentException.class, () -> new ScanLineFramer(0, sink));
    }
}
