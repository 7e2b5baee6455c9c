// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.systemd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;
import java.util.logging.Logger;
import nl.heitje.terminal.port.ServiceManager;

/**
 * systemd's notification protocol ({@code sd_notify}, from libsystemd through JNA): {@code READY=1} once the
 * terminal serves, {@code WATCHDOG=1} from every healthy housekeeping round, {@code STOPPING=1} at shutdown. The
 * JDK cannot send the datagram the protocol needs on a Unix socket, hence libsystemd. Without {@code NOTIFY_SOCKET}
 * (not started by systemd) or without libsystemd there is nobody to tell, and nothing is sent.
 */
public final class SystemdNotifier implements ServiceManager {
    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class.getName());

    interface LibSystemd extends Library {
        int sd_notify(int unsetEnvironment, String state);
    }

    private final LibSystemd systemd;

    private SystemdNotifier(LibSystemd systemd) {
        this.systemd = systemd;
    }

    /** The notifier when systemd asked for notifications (NOTIFY_SOCKET set), else {@link ServiceManager#NONE}. */
    public static ServiceManager fromEnvironment(Map<String, String> environment) {
        if (environment.getOrDefault("NOTIFY_SOCKET", "").isEmpty()) {
            return ServiceManager.NONE;
        }
        try {
            return new SystemdNotifier(Native.load("systemd", LibSystemd.class));
        } catch (UnsatisfiedLinkError noLibrary) {
            LOG.warning("systemd asked for notifications but libsystemd cannot be loaded: " + noLibrary.getMessage()
                    + "; the service manager will not hear that the terminal is ready");
            return ServiceManager.NONE;
        }
    }

    @Override
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status.replace('\n', ' '));
    }

    @Override
    public void alive() {
        send("WATCHDOG=1");
    }

    @Override
    public void stopping() {
        send("STOPPING=1");
    }

    private void send(String state) {
        int result = systemd.sd_notify(0, state);
        if (result < 0) {
            LOG.warning("sd_notify failed (" + result + ") for " + state.lines().findFirst().orElse(""));
        }
    }
}
