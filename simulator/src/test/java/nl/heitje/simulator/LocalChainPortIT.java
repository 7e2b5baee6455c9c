// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The race every "pick a free port, then start a server on it" has, on a busy machine: someone else got there first. */
class LocalChainPortIT {
    @Test
    void aPortTakenBeforeAnvilBindsItIsRetriedOnAFreshOne() throws Exception {
        // Bound and never listened on: anvil cannot bind it, and a client sees it refuse, not hang.
        try (Socket taken = new Socket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicInteger handedOut = new AtomicInteger();
            try (LocalChain chain = LocalChain.start(EthersSigner.chainDir(),
                    () -> handedOut.getAndIncrement() == 0 ? taken.getLocalPort() : LocalChain.freePort())) {
                assertNotEquals(taken.getLocalPort(), chain.port());
                assertEquals(2, handedOut.get(), "one failed attempt on the taken port, then a fresh one");
                assertEquals(LocalChain.CHAIN_ID, chain.web3j().ethChainId().send().getChainId().longValueExact());
            }
        }
    }
}
