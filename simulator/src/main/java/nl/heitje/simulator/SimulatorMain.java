// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import nl.heitje.config.ConfigException;

/**
 * {@code simulator/run [--headless] [--ready-file FILE] [--control-port N] [--api-port N] [--data-dir DIR]
 * [--chain-rpc URL] [--merchant-category C]}: starts the simulator and prints exactly one line,
 * {@code simulator ready: control=<url> api=<url> token=<api token>}, once it is usable, and writes it to FILE too
 * when asked. Without {@code --headless}, and on a terminal, the staff screen then takes the terminal over, at amount
 * entry with the demo bartender signed in; the simulator's own log goes to {@code simulator.log} in the data
 * directory, and without a terminal it runs as with {@code --headless}. A start it refuses (a chain
 * that is not a dev chain, a data directory of another chain, a broken config file) prints one line,
 * {@code simulator: <reason>}, and exits with status 2. With {@code -Dheitje.sim.secondChain=false} the terminal is
 * left without the second chain's purse.
 */
public final class SimulatorMain {
    private static final String USAGE =
            "usage: simulator/run [--headless] [--ready-file FILE] [--control-port N] [--api-port N] [--data-dir DIR]"
                    + " [--chain-rpc URL] [--merchant-category C]";

    private SimulatorMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        // Pi4J looks for a Raspberry Pi board and logs ERRORs when, as here, there is none: noise, not news.
        if (System.getProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo", "off");
            System.setProperty("org.slf4j.simpleLogger.log.com.pi4j", "warn");
        }
        boolean headless = false;
        Optional<Path> readyFile = Optional.empty();
        int controlPort = 8090;
        int apiPort = 0;
        Path dataDir = null;
        Optional<String> chainRpc = Optional.empty();
        String merchantCategory = Simulator.DEFAULT_MERCHANT_CATEGORY;
        Path chainDir = Path.of(System.getProperty("simulator.home", "simulator")).resolve("chain");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--headless" -> headless = true;
                case "--ready-file" -> readyFile = Optional.of(Path.of(value(args, ++i, "--ready-file")));
                case "--control-port" -> controlPort = port(value(args, ++i, "--control-port"), "--control-port");
                case "--api-port" -> apiPort = port(value(args, ++i, "--api-port"), "--api-port");
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "--chain-rpc" -> chainRpc = Optional.of(value(args, ++i, "--chain-rpc"));
                // What the purses' spending rules are checked against: horeca by default, sport to accept VITA.
                case "--merchant-category" -> merchantCategory = value(args, ++i, "--merchant-category");
                default -> refuse("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (dataDir == null) {
            dataDir = Files.createTempDirectory("heitje-sim-");
        }
        // Without a terminal to draw on (a pipe, a CI job) there is no staff screen to show: run as --headless.
        boolean staffScreen = !headless && System.console() != null;
        if (staffScreen) {
            StaffScreenRun.sendLogsTo(dataDir.resolve("simulator.log"));
        }
        Simulator simulator;
        try {
            simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, controlPort, apiPort, 1000, Map.of(),
                    chainRpc, merchantCategory, Boolean.parseBoolean(System.getProperty(Simulator.SECOND_CHAIN_PROPERTY, "true"))));
        } catch (StartRefusedException | ConfigException refused) {
            refuse(refused.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        System.out.println(simulator.readyLine());
        System.out.flush();
        if (readyFile.isPresent()) {
            StaffScreenRun.writeReadyFile(readyFile.get(), simulator.readyLine());
        }
        if (staffScreen) {
            StaffScreenRun.show(simulator);
        }
        stopped.await();
    }

    private static void refuse(String reason) {
        System.err.println("simulator: " + reason);
        System.exit(2);
    }

    private static int port(String text, String option) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        refuse(option + " must be a port number from 0 to 65535, is " + text);
        return -1;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            refuse(option + " needs a value\n" + USAGE);
        }
        return args[index];
    }
}
