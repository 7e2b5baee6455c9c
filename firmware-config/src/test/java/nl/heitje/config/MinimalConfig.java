// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The fewest keys a terminal starts with: the Heitje on a loopback dev chain, a dev key, the till on loopback. */
final class MinimalConfig {
    private MinimalConfig() {
    }

    static Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("merchant.address", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        values.put("tokens", "HEIT");
        values.put("token.HEIT.chainId", "31337");
        values.put("token.HEIT.contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        values.put("token.HEIT.name", "Heerlens Heitje");
        values.put("token.HEIT.version", "1");
        values.put("chain.rpcUrl", "http://127.0.0.1:8545");
        values.put("settlement.privateKey", "0x" + "ab".repeat(32));
        values.put("till.apiToken", "0123456789abcdef0123456789abcdef");
        values.put("till.host", "127.0.0.1");
        return values;
    }
}
