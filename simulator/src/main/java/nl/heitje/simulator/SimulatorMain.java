package nl.heitje.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code simulator/run [--headless] [--control-port N] [--api-port N] [--data-dir DIR]}: starts the simulator and
 * prints exactly one line, {@code simulator ready: control=<url> api=<url> token=<api token>}, once it is usable.
 */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int controlPort = 8090;
        int apiPort = 0;
        Path dataDir = null;
        Path chainDir = Path.of(System.getProperty("simulator.home", "simulator")).resolve("chain");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--headless" -> {
                    // The staff screen is not built yet, so every run is headless for now.
                }
                case "--control-port" -> controlPort = Integer.parseInt(value(args, ++i, "--control-port"));
                case "--api-port" -> apiPort = Integer.parseInt(value(args, ++i, "--api-port"));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                default -> {
                    System.err.println("simulator: unknown option " + args[i]
                            + "\nusage: simulator/run [--headless] [--control-port N] [--api-port N] [--data-dir DIR]");
                    System.exit(2);
                }
            }
        }
        if (dataDir == null) {
            dataDir = Files.createTempDirectory("heitje-sim-");
        }
        Simulator simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, controlPort, apiPort, 1000, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        System.out.println(simulator.readyLine());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            System.err.println("simulator: " + option + " needs a value");
            System.exit(2);
        }
        return args[index];
    }
}
