// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** What a developer's machine is left with after the simulator is stopped the hard way. */
class SimulatorLifecycleIT {
    @TempDir
    Path dataDir;

    @Test
    void aSimulatorKilledWithSigkillTakesItsChainsDownWithIt() throws Exception {
        SimulatorProcess simulator = SimulatorProcess.start("-Xmx64m", dataDir);
        List<String> rpcUrls = new ArrayList<>();
        simulator.get(simulator.control + "/sim/chain", false).body().get("purses")
                .forEach(purse -> rpcUrls.add(purse.get("rpcUrl").asText()));
        List<String> nodes = rpcUrls.stream().distinct().toList();
        assertEquals(2, nodes.size(), "two chains: " + rpcUrls);
        List<Web3j> rpcs = nodes.stream().map(url -> Web3j.build(new HttpService(url))).toList();
        try {
            assertEquals(31337, rpcs.get(0).ethChainId().send().getChainId().longValue());
            assertEquals(31338, rpcs.get(1).ethChainId().send().getChainId().longValue());

            simulator.process.destroyForcibly();
            // Deadlines for a loaded two-core machine: the watchdog notices within a second, anvil's exit may lag.
            assertTrue(simulator.process.waitFor(60, TimeUnit.SECONDS));

            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            for (int i = 0; i < rpcs.size(); i++) {
                boolean chainGone = false;
                while (!chainGone && Instant.now().isBefore(deadline)) {
                    try {
                        rpcs.get(i).ethChainId().send();
                        Thread.sleep(100);
                    } catch (IOException refused) {
                        chainGone = true;
                    }
                }
                assertTrue(chainGone, "anvil still answers at " + nodes.get(i) + " after its simulator was killed");
            }
        } finally {
            rpcs.forEach(Web3j::shutdown);
        }
    }
}
