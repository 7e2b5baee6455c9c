package nl.heitje.terminal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.pi4j.Pi4jPanel;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.QrSource;

/**
 * The real devices a terminal's config names, on a real counter: a PC/SC card reader, USB and serial scanners, a
 * camera, and the lights, buzzer, relay and button on the Pi's GPIO header.
 */
public final class ProductionDevices {
    private static final Logger LOG = Logger.getLogger(ProductionDevices.class.getName());

    private ProductionDevices() {
    }

    public static CounterDevices fromConfig(TerminalConfig config) {
        TerminalConfig.Devices wanted = config.devices();
        List<QrSource> qrSources = new ArrayList<>();
        List<CardReader> cardReaders = new ArrayList<>();
        CounterDevices devices = new CounterDevices(qrSources, cardReaders, Optional.empty(), List.of());
        return wanted.gpio().map(gpio -> devices.withPanel(panel(gpio))).orElse(devices);
    }

    private static CounterDevices.Panel panel(TerminalConfig.Gpio gpio) {
        Pi4jPanel pins = Pi4jPanel.onThePi(GpioPins.from(gpio));
        return new CounterDevices.Panel(pins, pins, new IndicatorPanel.Settings(gpio.outcomeHold(),
                gpio.relay().map(ignored -> gpio.relayPulse())));
    }
}
