// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.systemd.SystemdNotifier;
import nl.heitje.terminal.port.ServiceManager;

/** Starts the terminal service from its config file: {@code terminal --config /etc/heitje/terminal.properties}. */
public final class TerminalMain {
    private TerminalMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path configPath = Path.of(args.length == 2 && args[0].equals("--config") ? args[1] : "/etc/heitje/terminal.properties");
        TerminalConfig config;
        try {
            config = TerminalConfig.load(configPath);
        } catch (ConfigException invalid) {
            System.err.println("terminal: " + invalid.getMessage());
            System.exit(2);
            return;
        }
        ServiceManager systemd = SystemdNotifier.fromEnvironment(System.getenv());
        Terminal terminal;
        try {
            terminal = Terminal.start(config, ProductionDevices.fromConfig(config), Clock.systemUTC(), systemd);
        } catch (ConfigException unusable) {
            // The keystore is opened at start: a wrong password or a broken keystore is a config error too.
            System.err.println("terminal: " + unusable.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            terminal.close();
            stopped.countDown();
        }, "terminal-shutdown"));
        String ready = "terminal ready: api=" + terminal.tillScheme() + "://" + config.till().host() + ":" + terminal.tillPort();
        System.out.println(ready);
        systemd.ready(ready);
        stopped.await();
    }
}
