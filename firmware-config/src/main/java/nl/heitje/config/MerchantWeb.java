// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The merchant's web page (docs/merchant-web.md).
 *
 * @param passwordHash    {@code merchant.passwordHash}: the merchant's password as a slow salted hash; without it the
 *                        page lets nobody in
 * @param explorerTxUrls  per chain id, a block explorer's transaction address with {@code {hash}} where the hash
 *                        goes ({@code merchant.explorerTxUrl.<chainId>}, else {@code merchant.explorerTxUrl}); a chain
 *                        without one shows its hashes as text
 * @param sessionIdle     a session unused this long is ended ({@code merchant.sessionIdleMinutes})
 * @param sessionMaximum  a session this old is ended however busy ({@code merchant.sessionMaxHours})
 */
public record MerchantWeb(Optional<String> passwordHash, Map<Long, String> explorerTxUrls, Duration sessionIdle,
                          Duration sessionMaximum) {

    public MerchantWeb {
        explorerTxUrls = Map.copyOf(explorerTxUrls);
    }

    static MerchantWeb read(ConfigFile file, Collection<Long> chainIds) {
        Optional<String> common = explorer(file, "merchant.explorerTxUrl");
        Map<Long, String> explorers = new LinkedHashMap<>();
        for (long chainId : chainIds) {
            explorer(file, "merchant.explorerTxUrl." + chainId).or(() -> common)
                    .ifPresent(url -> explorers.put(chainId, url));
        }
        return new MerchantWeb(TerminalConfig.slowHash(file, "merchant.passwordHash"), explorers,
                Duration.ofMinutes(file.integer("merchant.sessionIdleMinutes", 15, 1, 24 * 60)),
                Duration.ofHours(file.integer("merchant.sessionMaxHours", 12, 1, 7 * 24)));
    }

    private static Optional<String> explorer(ConfigFile file, String key) {
        Optional<String> url = file.optionalText(key);
        url.ifPresent(text -> {
            if (!text.matches("https?://[^\\s\"'<>]+") || !text.contains("{hash}")) {
                throw new ConfigException(file.path(), key, "must be an http(s) address with {hash} in it, like"
                        + " https://explorer.example/tx/{hash}");
            }
        });
        return url;
    }

    @Override
    public String toString() {
        return "MerchantWeb[passwordHash=" + (passwordHash.isPresent() ? "<hidden>" : "none") + ", explorerTxUrls="
                + explorerTxUrls + ", sessionIdle=" + sessionIdle + ", sessionMaximum=" + sessionMaximum + "]";
    }
}
