// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import nl.heitje.config.ConfigException;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.systemd.SystemdNotifier;
import nl.heitje.terminal.port.ServiceManager;

/**
 * Starts the terminal service from its config file: {@code terminal [--config /etc/heitje/terminal.properties]
 * [--staff-ui]}. With {@code --staff-ui} the bar staff's screen takes over the terminal the service runs on (the
 * console on tty1); the ready line is printed before it does, on stderr then (stdout is the screen's).
 */
public final class TerminalMain {
    private TerminalMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path configPath = Path.of("/etc/heitje/terminal.properties");
        boolean staffUi = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configPath = Path.of(args[++i]);
            } else if (args[i].equals("--staff-ui")) {
                staffUi = true;
            } else {
                System.err.println("terminal: unknown option " + args[i]
                        + "\nusage: terminal [--config FILE] [--staff-ui]");
                System.exit(2);
                return;
            }
        }
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
        // With the staff screen stdout is the screen's (under heitje-terminal-console.service: tty1), and stderr the
        // journal's: the ready line goes where the operator looks for it.
        (staffUi ? System.err : System.out).println(ready);
        systemd.ready(ready);
        if (staffUi) {
            try {
                var screen = StaffScreen.startOnOwnTerminal(terminal, java.util.Optional.empty(), false);
                Runtime.getRuntime().addShutdownHook(new Thread(screen::close, "staff-ui-shutdown"));
            } catch (RuntimeException noTerminal) {
                // The till and the card reader work without the screen: keep serving them, and say why it is dark.
                System.err.println("terminal: no staff screen: " + noTerminal.getMessage());
            }
        }
        stopped.await();
    }
}
