// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import nl.heitje.simulator.fault.FaultyLink;

/**
 * A loopback TCP relay between the terminal and the chain node, with a switch: cut, it drops every open
 * connection and refuses new ones, so the terminal sees a real network failure through its real HTTP client.
 * The relay is a {@link FaultyLink}; {@link #link()} reaches its other faults (latency, resets, blackhole, drops).
 */
public final class NetworkSwitch implements AutoCloseable {
    private final FaultyLink link;

    public NetworkSwitch(int targetPort) {
        this.link = new FaultyLink(targetPort);
    }

    public int port() {
        return link.port();
    }

    public boolean isOnline() {
        return !link.isCut();
    }

    public void setOnline(boolean online) {
        link.setCut(!online);
    }

    /** The relay itself, for faults beyond on and off. */
    public FaultyLink link() {
        return link;
    }

    @Override
    public void close() {
        link.close();
    }
}
