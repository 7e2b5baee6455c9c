// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.util.function.Consumer;

/**
 * Where a citizen keys their card's PIN at the counter: a USB numeric keypad today, the staff screen later. Each
 * entry (digits, then Enter) goes to the handler. An entry is never logged or kept: it is handed on and forgotten.
 */
public interface PinPad extends AutoCloseable {

    void start(Consumer<String> onEntry);

    @Override
    void close();
}
