// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsecutiveCodesTest {
    @Test
    void countsASightingOncePerAppearance() {
        ConsecutiveCodes codes = new ConsecutiveCodes();
        List<String> counted = new ArrayList<>();
        for (String frame : new String[] {"A", "A", "A", null, "A", "B", "B", "A", null, null, "A"}) {
            codes.onFrame(Optional.ofNullable(frame)).ifPresent(counted::add);
        }
        assertEquals(List.of("A", "A", "B", "A", "A"), counted);
    }
}
