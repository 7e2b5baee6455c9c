// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/**
 * The service manager that runs the terminal (systemd on a Pi): told when the terminal is ready to take payments,
 * kept alive while the terminal's own housekeeping runs, and told when it stops. A terminal whose housekeeping
 * stalls stops sending keep-alives, and the manager restarts it.
 */
public interface ServiceManager {

    void ready(String status);

    void alive();

    void stopping();

    /** No service manager is listening (a developer's shell, the simulator, a test). */
    ServiceManager NONE = new ServiceManager() {
        @Override
        public void ready(String status) {
        }

        @Override
        public void alive() {
        }

        @Override
        public void stopping() {
        }
    };
}
