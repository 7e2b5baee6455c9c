// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.device;

import java.util.ArrayList;
import java.util.List;

/** Keeps what a framer handed on and dropped. */
public final class CollectingSink implements ScanLineFramer.Sink {
    public final List<String> lines = new ArrayList<>();
    public final List<String> dropped = new ArrayList<>();

    @Override
    public void line(String text) {
        lines.add(text);
    }

    @Override
    public void dropped(String reason) {
        dropped.add(reason);
    }
}
