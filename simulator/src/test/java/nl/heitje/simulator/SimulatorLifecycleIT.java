// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    void aSimulatorKilledWithSigkillTakesItsChainDownWithIt() throws Exception {
        SimulatorProcess simulator = SimulatorProcess.start("-Xmx64m", dataDir);
        String rpcUrl = simulator.get(simulator.control + "/sim/chain", false).body().get("rpcUrl").asText();
        Web3j rpc = Web3j.build(new HttpService(rpcUrl));
        try {
            assertEquals(31337, rpc.ethChainId().send().getChainId().longValue());

            simulator.process.destroyForcibly();
            // Deadlines for a loaded two-core machine: the watchdog notices within a second, anvil's exit may lag.
            assertTrue(simulator.process.waitFor(60, TimeUnit.SECONDS));

            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            boolean chainGone = false;
            while (!chainGone && Instant.now().isBefore(deadline)) {
                try {
                    rpc.ethChainId().send();
                    Thread.sleep(100);
                } catch (IOException refused) {
                    chainGone = true;
                }
            }
            assertTrue(chainGone, "anvil still answers at " + rpcUrl + " after its simulator was killed");
        } finally {
            rpc.shutdown();
        }
    }
}
