// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.evdev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import nl.heitje.terminal.support.Eventually;
import org.junit.jupiter.api.Test;

/** A USB numeric keypad as PIN pad: keypad digits then Enter make an entry; a stray key spoils it. */
class EvdevPinPadTest {
    private static final int KP1 = 79;
    private static final int KP2 = 80;
    private static final int KP3 = 81;
    private static final int KP4 = 75;
    private static final int KP0 = 82;
    private static final int BACKSPACE = 14;

    @Test
    void keypadDigitsThenEnterAreOneEntryAndAStrayKeyOrAnOverlongEntryIsDropped() {
        byte[] keyed = new InputEvents(InputEventLayout.BITS_64)
                .tap(KP1).tap(KP2).tap(BACKSPACE).tap(KP3).tap(InputEvents.KPENTER)
                .tap(KP1).tap(KP2).tap(KP3).tap(KP4).tap(InputEvents.KPENTER)
                .type("12345678901234567").tap(InputEvents.KPENTER)
                .tap(KP0).tap(KP0).tap(KP0).tap(KP0).tap(KP0).tap(KP0).enter()
                .bytes();
        AtomicBoolean opened = new AtomicBoolean();
        List<String> entries = new CopyOnWriteArrayList<>();
        EvdevPinPad pad = new EvdevPinPad("test pad", () -> {
            if (opened.getAndSet(true)) {
                throw new java.io.IOException("unplugged");
            }
            return new ByteArrayInputStream(keyed);
        }, InputEventLayout.BITS_64, Duration.ofMillis(5));
        pad.start(entries::add);
        try {
            Eventually.await("two entries", () -> entries.size() == 2);
            assertEquals(List.of("1234", "000000"), entries);
        } finally {
            pad.close();
        }
    }
}
