// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.camera.CameraQrSource;
import nl.heitje.terminal.adapter.evdev.EvdevPinPad;
import nl.heitje.terminal.adapter.evdev.EvdevQrSource;
import nl.heitje.terminal.adapter.pi4j.GpioPins;
import nl.heitje.terminal.adapter.serial.SerialQrSource;
import nl.heitje.terminal.adapter.serial.SerialSettings;
import nl.heitje.terminal.adapter.smartcardio.PcscCardReader;
import nl.heitje.terminal.adapter.zxing.ZxingQrDecoder;
import nl.heitje.terminal.adapter.pi4j.Pi4jPanel;
import nl.heitje.terminal.app.IndicatorPanel;
import nl.heitje.terminal.port.CardReader;
import nl.heitje.terminal.port.PinPad;
import nl.heitje.terminal.port.QrSource;

/**
 * The real devices a terminal's config names, on a real counter: a PC/SC card reader, USB and serial scanners, a
 * camera, a USB numeric keypad as PIN pad, and the lights, buzzer, relay and button on the Pi's GPIO header.
 */
public final class ProductionDevices {
    private ProductionDevices() {
    }

    public static CounterDevices fromConfig(TerminalConfig config) {
        TerminalConfig.Devices wanted = config.devices();
        List<QrSource> qrSources = new ArrayList<>();
        wanted.hidScanner().ifPresent(hid -> qrSources.add(EvdevQrSource.ofDevice(hid.device(), hid.layout())));
        wanted.serialScanner().ifPresent(serial -> qrSources.add(SerialQrSource.ofPort(serial.port(),
                new SerialSettings(serial.baud(), serial.dataBits(), serial.stopBits(),
                        SerialSettings.parity(serial.parity())))));
        wanted.camera().ifPresent(camera -> qrSources.add(camera(camera)));
        List<CardReader> cardReaders = new ArrayList<>();
        wanted.cardReader().ifPresent(reader -> cardReaders.add(PcscCardReader.system(
                reader.readerName().orElse(""), reader.apduTimeout())));
        List<PinPad> pinPads = new ArrayList<>();
        wanted.pinPad().ifPresent(pad -> pinPads.add(EvdevPinPad.ofDevice(pad.device(), pad.layout())));
        CounterDevices devices = new CounterDevices(qrSources, cardReaders, pinPads, Optional.empty(), List.of());
        CounterDevices withPanel = wanted.gpio().map(gpio -> devices.withPanel(panel(gpio))).orElse(devices);
        return ReceiptPrinters.fromConfig(config.receipts()).map(withPanel::withPrinter).orElse(withPanel);
    }

    private static QrSource camera(TerminalConfig.Camera camera) {
        ZxingQrDecoder decoder = new ZxingQrDecoder();
        return camera.command()
                .map(command -> CameraQrSource.ofCommand(List.of(command.trim().split("\\s+")), camera.width(),
                        camera.height(), decoder::decodeFrame))
                .orElseGet(() -> CameraQrSource.ofFifo(camera.fifo().orElseThrow(), camera.width(), camera.height(),
                        decoder::decodeFrame));
    }

    private static CounterDevices.Panel panel(TerminalConfig.Gpio gpio) {
        Pi4jPanel pins = Pi4jPanel.onThePi(GpioPins.from(gpio));
        return new CounterDevices.Panel(pins, pins, new IndicatorPanel.Settings(gpio.outcomeHold(),
                gpio.relay().map(ignored -> gpio.relayPulse())));
    }
}
