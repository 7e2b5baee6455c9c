// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writing side of {@code terminal.properties}: provisioning, the simulator and tests build a config here, so the
 * key names live beside {@link TerminalConfig}, which reads them, and nowhere else.
 */
public final class TerminalConfigDraft {
    private final Map<String, String> values = new LinkedHashMap<>();

    public TerminalConfigDraft merchant(String address) {
        return set("merchant.address", address);
    }

    /** The shop's name and its 8-digit KvK (Chamber of Commerce) number, as registered with the municipality. */
    public TerminalConfigDraft merchantIdentity(String name, String kvk) {
        set("merchant.name", name);
        return set("merchant.kvk", kvk);
    }

    /** The manager PIN's slow hash (never the PIN). */
    public TerminalConfigDraft managerPinHash(String hash) {
        return set("manager.pinHash", hash);
    }

    /** Adds an accepted token; the first one added is the one payments are asked in. */
    public TerminalConfigDraft token(String symbol, long chainId, String contract, String eip712Name,
                                     String eip712Version, int decimals) {
        values.merge("tokens", symbol, (list, added) -> list + "," + added);
        String prefix = "token." + symbol + ".";
        set(prefix + "chainId", Long.toString(chainId));
        set(prefix + "contract", contract);
        set(prefix + "name", eip712Name);
        set(prefix + "version", eip712Version);
        return set(prefix + "decimals", Integer.toString(decimals));
    }

    /** @param batchContract null to settle one transaction per redemption */
    public TerminalConfigDraft chain(String rpcUrl, String batchContract) {
        set("chain.rpcUrl", rpcUrl);
        return batchContract == null ? this : set("chain.batchContract", batchContract);
    }

    /** The production form: the terminal's encrypted keystore and the file holding its password. */
    public TerminalConfigDraft settlementKeystore(Path keystore, Path passwordFile) {
        set("settlement.keystore", keystore.toString());
        return set("settlement.passwordFile", passwordFile.toString());
    }

    /**
     * The keystore alone: its password then comes from the systemd credential
     * {@value TerminalConfig#KEYSTORE_PASSWORD_CREDENTIAL}.
     */
    public TerminalConfigDraft settlementKeystore(Path keystore) {
        return set("settlement.keystore", keystore.toString());
    }

    /** For dev chains only (the simulator, tests): the settlement key in plain hex in the config file. */
    public TerminalConfigDraft settlementKey(BigInteger privateKey) {
        return set("settlement.privateKey", String.format("0x%064x", privateKey));
    }

    public TerminalConfigDraft till(String host, int port, String apiToken) {
        set("till.host", host);
        set("till.port", Integer.toString(port));
        return set("till.apiToken", apiToken);
    }

    public TerminalConfigDraft journal(Path file) {
        return set("storage.journal", file.toString());
    }

    /** The municipal signer whose deny-lists this terminal accepts. */
    public TerminalConfigDraft denyListIssuer(String address) {
        return set("denyList.issuer", address);
    }

    /** Where the terminal fetches fresh deny-lists (https, or http to a loopback host). */
    public TerminalConfigDraft denyListUrl(String url) {
        return set("denyList.url", url);
    }

    /** Any other documented key (docs/config.md), e.g. a limit or an interval; the loader rejects unknown ones. */
    public TerminalConfigDraft set(String key, String value) {
        values.put(key, value);
        return this;
    }

    public TerminalConfigDraft setAll(Map<String, String> more) {
        values.putAll(more);
        return this;
    }

    public void write(Path file, String header) {
        ConfigFile.write(file, values, header);
    }

    /** As {@link #write(Path, String)}, readable also by the service's group when given (mode 0640). */
    public void write(Path file, String header, java.util.Optional<String> readerGroup) {
        ConfigFile.write(file, values, header, readerGroup);
    }
}
