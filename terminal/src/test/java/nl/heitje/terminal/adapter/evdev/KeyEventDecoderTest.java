// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import nl.heitje.terminal.device.CollectingSink;
import nl.heitje.terminal.device.ScanLineFramer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class KeyEventDecoderTest {
    private static final String BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static CollectingSink decode(InputEventLayout layout, byte[] events) throws Exception {
        CollectingSink sink = new CollectingSink();
        new KeyEventDecoder(layout, new ScanLineFramer(ScanLineFramer.DEFAULT_MAX_LENGTH, sink))
                .decode(new ByteArrayInputStream(events));
        return sink;
    }

    @ParameterizedTest
    @EnumSource(InputEventLayout.class)
    void readsEveryBase45CharacterAndThePrefixInEitherLayout(InputEventLayout layout) throws Exception {
        String text = "HTJ1:" + BASE45;
        CollectingSink sink = decode(layout, new InputEvents(layout).type(text).enter().bytes());
        assertEquals(List.of(text), sink.lines);
        assertTrue(sink.dropped.isEmpty());
    }

    @Test
    void aStreamInTheOtherLayoutDoesNotReadAsTheCode() throws Exception {
        CollectingSink sink = decode(InputEventLayout.BITS_32,
                new InputEvents(InputEventLayout.BITS_64).type("HTJ1:AB").enter().bytes());
        assertTrue(!sink.lines.equals(List.of("HTJ1:AB")), "a 24-byte stream read as 16-byte events: " + sink.lines);
    }

    @Test
    void eitherShiftKeyMakesCapitalsAndReleasingItEndsThem() throws Exception {
        InputEvents events = new InputEvents(InputEventLayout.BITS_64)
                .shifted(InputEvents.RIGHTSHIFT, 30) // A
                .tap(30) // a
                .event(InputEvents.EV_KEY, InputEvents.LEFTSHIFT, 1)
                .event(InputEvents.EV_KEY, InputEvents.RIGHTSHIFT, 1)
                .event(InputEvents.EV_KEY, InputEvents.LEFTSHIFT, 0)
                .tap(48) // B: right shift still down
                .event(InputEvents.EV_KEY, InputEvents.RIGHTSHIFT, 0)
                .tap(48) // b
                .enter();
        assertEquals(List.of("AaBb"), decode(InputEventLayout.BITS_64, events.bytes()).lines);
    }

    @Test
    void enterAndKeypadEnterEachEndALine() throws Exception {
        InputEvents events = new InputEvents(InputEventLayout.BITS_64)
                .type("AB").tap(InputEvents.ENTER)
                .type("CD").tap(InputEvents.KPENTER)
                .tap(InputEvents.ENTER) // an empty line is no code
                .type("EF"); // unfinished when the device went away
        CollectingSink sink = decode(InputEventLayout.BITS_64, events.bytes());
        assertEquals(List.of("AB", "CD"), sink.lines);
        assertTrue(sink.dropped.isEmpty());
    }

    @Test
    void autorepeatAndReleasesTypeNothingButAutorepeatedShiftStaysHeld() throws Exception {
        InputEvents events = new InputEvents(InputEventLayout.BITS_64)
                .event(InputEvents.EV_KEY, 30, 1)
                .event(InputEvents.EV_KEY, 30, 2)
                .event(InputEvents.EV_KEY, 30, 2)
                .event(InputEvents.EV_KEY, 30, 0)
                .event(InputEvents.EV_KEY, InputEvents.LEFTSHIFT, 1)
                .event(InputEvents.EV_KEY, InputEvents.LEFTSHIFT, 2)
                .event(InputEvents.EV_KEY, 30, 1)
                .event(InputEvents.EV_KEY, 28, 2) // a repeated Enter is no second end of line
                .event(InputEvents.EV_KEY, 28, 1);
        assertEquals(List.of("aA"), decode(InputEventLayout.BITS_64, events.bytes()).lines);
    }

    @Test
    void anUnmappedKeyDropsItsLineAndTheNextLineIsRead() throws Exception {
        InputEvents events = new InputEvents(InputEventLayout.BITS_32)
                .type("AB").tap(59 /* F1 */).type("C").enter()
                .tap(29 /* left ctrl: silent */).type("OK").enter();
        CollectingSink sink = decode(InputEventLayout.BITS_32, events.bytes());
        assertEquals(List.of("OK"), sink.lines);
        assertEquals(1, sink.dropped.size());
        assertTrue(sink.dropped.get(0).contains("key code 59"), sink.dropped.get(0));
    }

    @Test
    void eventsTheKernelDroppedSpoilTheLine() throws Exception {
        InputEvents events = new InputEvents(InputEventLayout.BITS_64)
                .type("AB").event(InputEvents.EV_SYN, 3, 0).type("C").enter().type("D").enter();
        CollectingSink sink = decode(InputEventLayout.BITS_64, events.bytes());
        assertEquals(List.of("D"), sink.lines);
        assertTrue(sink.dropped.get(0).contains("kernel dropped"), sink.dropped.get(0));
    }

    @Test
    void aLineOverTheCapIsDropped() throws Exception {
        CollectingSink sink = new CollectingSink();
        KeyEventDecoder decoder = new KeyEventDecoder(InputEventLayout.BITS_64, new ScanLineFramer(10, sink));
        byte[] events = new InputEvents(InputEventLayout.BITS_64).type("12345678901").enter().type("1234567890")
                .enter().bytes();
        decoder.feed(events, 0, events.length);
        assertEquals(List.of("1234567890"), sink.lines);
        assertEquals(1, sink.dropped.size());
    }

    @Test
    void eventsSplitAcrossReadsAnywhereStillDecode() {
        CollectingSink sink = new CollectingSink();
        KeyEventDecoder decoder = new KeyEventDecoder(InputEventLayout.BITS_64,
                new ScanLineFramer(ScanLineFramer.DEFAULT_MAX_LENGTH, sink));
        byte[] events = new InputEvents(InputEventLayout.BITS_64).type("HTJ1:Q$").enter().bytes();
        for (int i = 0; i < events.length; i += 7) {
            decoder.feed(events, i, Math.min(7, events.length - i));
        }
        assertEquals(List.of("HTJ1:Q$"), sink.lines);
    }

    @Test
    void theLayoutIsConfiguredOrTakenFromThisJvm() {
        assertEquals(InputEventLayout.BITS_64, InputEventLayout.parse("64"));
        assertEquals(InputEventLayout.BITS_32, InputEventLayout.parse(" 32 "));
        String model = System.getProperty("sun.arch.data.model");
        assertEquals(model.equals("64") ? InputEventLayout.BITS_64 : InputEventLayout.BITS_32,
                InputEventLayout.parse("auto"));
        assertEquals(24, InputEventLayout.BITS_64.eventSize());
        assertEquals(16, InputEventLayout.BITS_32.eventSize());
        assertThrows(IllegalArgumentException.class, () -> InputEventLayout.parse("48"));
    }
}
