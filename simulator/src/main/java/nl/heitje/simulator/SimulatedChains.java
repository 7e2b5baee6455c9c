// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The simulator's chains, each behind a network switch of its own: the first (chain {@value LocalChain#CHAIN_ID},
 * HEIT, VITA and ENERGY) started here or attached to, the second (chain {@value DevPurse#SECOND_CHAIN_ID}, MSTR) always
 * started here, also when the first is attached: it stands for another city's chain, which nobody keeps running
 * between starts, and a fresh one needs no record. Closing stops the switches and every node started here.
 */
public final class SimulatedChains implements AutoCloseable {
    private final List<LocalChain> chains;
    private final Map<Long, NetworkSwitch> switches;
    private final List<DevPurse> purses;

    private SimulatedChains(List<LocalChain> chains, Map<Long, NetworkSwitch> switches) {
        this.chains = List.copyOf(chains);
        this.switches = switches;
        this.purses = chains.stream().flatMap(chain -> chain.purses().stream()).toList();
    }

    /**
     * Starts (or attaches to, with {@code chainRpc}) the first chain while the second starts on a thread of its own:
     * two nodes starting and deploying side by side take about as long as one.
     *
     * @param record where an attached first chain's deployment is recorded
     */
    static SimulatedChains start(Path chainDir, Optional<String> chainRpc, Path record) {
        CompletableFuture<LocalChain> second = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                second.complete(LocalChain.start(chainDir, DevPurse.SECOND_CHAIN_ID, DevPurse.SECOND_CHAIN));
            } catch (Throwable failed) {
                second.completeExceptionally(failed);
            }
        }, "second-chain-start");
        starter.setDaemon(true);
        starter.start();
        LocalChain first;
        try {
            first = chainRpc.map(url -> LocalChain.attach(url, chainDir, record, DevPurse.FIRST_CHAIN))
                    .orElseGet(() -> LocalChain.start(chainDir, LocalChain.CHAIN_ID, DevPurse.FIRST_CHAIN));
        } catch (RuntimeException | Error failed) {
            second.thenAccept(LocalChain::close);
            throw failed;
        }
        LocalChain started;
        try {
            started = second.join();
        } catch (CompletionException failed) {
            first.close();
            throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
        }
        List<LocalChain> chains = List.of(first, started);
        Map<Long, NetworkSwitch> switches = new LinkedHashMap<>();
        try {
            for (LocalChain chain : chains) {
                switches.put(chain.chainId(), new NetworkSwitch(chain.port()));
            }
        } catch (RuntimeException failed) {
            switches.values().forEach(NetworkSwitch::close);
            chains.forEach(LocalChain::close);
            throw failed;
        }
        return new SimulatedChains(chains, switches);
    }

    /** The chain the terminal's first token lives on. */
    public LocalChain first() {
        return chains.get(0);
    }

    public List<LocalChain> chains() {
        return chains;
    }

    /** Every purse on every chain, the first chain's first, HEIT first of all. */
    public List<DevPurse> purses() {
        return purses;
    }

    public Optional<DevPurse> purse(String symbol) {
        return purses.stream().filter(purse -> purse.symbol().equals(symbol)).findFirst();
    }

    public Optional<LocalChain> chain(long chainId) {
        return chains.stream().filter(chain -> chain.chainId() == chainId).findFirst();
    }

    public LocalChain chainOf(DevPurse purse) {
        return chain(purse.chainId()).orElseThrow(() -> new IllegalArgumentException(
                "no chain " + purse.chainId() + " for " + purse.symbol()));
    }

    /** What the terminal reaches a chain through, and what {@code /sim/network} cuts. */
    public Optional<NetworkSwitch> network(long chainId) {
        return Optional.ofNullable(switches.get(chainId));
    }

    /** The switches by chain id, the first chain's first. */
    public Map<Long, NetworkSwitch> networks() {
        return java.util.Collections.unmodifiableMap(switches);
    }

    /** Mints {@code units} (the purse's base units) on the purse's chain and answers the new balance. */
    public BigInteger mint(DevPurse purse, String address, BigInteger units) {
        return chainOf(purse).mint(purse, address, units);
    }

    public BigInteger balanceOf(DevPurse purse, String address) {
        return chainOf(purse).balanceOf(purse, address);
    }

    @Override
    public void close() {
        List<AutoCloseable> closing = new ArrayList<>(switches.values());
        closing.addAll(chains);
        for (AutoCloseable each : closing) {
            try {
                each.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }
}
