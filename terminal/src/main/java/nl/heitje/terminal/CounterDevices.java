// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.port.Buttons;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.Indicators;
import nl.heitje.terminal.port.PinPad;
import nl.heitje.terminal.port.QrSource;
import nl.heitje.terminal.port.ReceiptPrinter;

/**
 * The devices attached at the counter: built from the config on a real terminal ({@link ProductionDevices}),
 * simulated ones in the simulator. The terminal starts them, hands them what they need, and closes them.
 *
 * @param pinPads where citizens key their card's PIN
 * @param panel   the lights, buzzer, relay and buttons, when the counter has them
 * @param printer the receipt printer, when the counter has one
 */
public record CounterDevices(List<QrSource> qrSources, List<CardReader> cardReaders, List<PinPad> pinPads,
                             Optional<Panel> panel, List<AutoCloseable> alsoClose, Optional<ReceiptPrinter> printer) {

    public CounterDevices(List<QrSource> qrSources, List<CardReader> cardReaders, List<PinPad> pinPads,
                          Optional<Panel> panel, List<AutoCloseable> alsoClose) {
        this(qrSources, cardReaders, pinPads, panel, alsoClose, Optional.empty());
    }

    public CounterDevices withPrinter(ReceiptPrinter newPrinter) {
        return new CounterDevices(qrSources, cardReaders, pinPads, panel, alsoClose, Optional.of(newPrinter));
    }

    /** The counter's lights and buzzer, its buttons, and how long an outcome stays shown. */
    public record Panel(Indicators indicators, Buttons buttons, IndicatorPanel.Settings settings) {
    }

    public CounterDevices {
        qrSources = List.copyOf(qrSources);
        cardReaders = List.copyOf(cardReaders);
        pinPads = List.copyOf(pinPads);
        alsoClose = List.copyOf(alsoClose);
    }

    public static CounterDevices scanners(List<QrSource> qrSources) {
        return new CounterDevices(qrSources, List.of(), List.of(), Optional.empty(), List.of());
    }

    public CounterDevices withPanel(Panel newPanel) {
        return new CounterDevices(qrSources, cardReaders, pinPads, Optional.of(newPanel), alsoClose, printer);
    }
}
