// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.util.List;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;

/**
 * One purse the simulator deployed: an EIP-3009 token on one of its chains, with the spending rules its issuer will
 * publish for it (null: no limit of that kind). The rules are the simulator's intent only for now; no signed rules
 * document is issued from them yet.
 *
 * @param rpcUrl the chain's node itself, not the network switch the terminal reaches it through
 */
public record DevPurse(String symbol, String name, String version, int decimals, long chainId, String contract,
                       String rpcUrl, String batcher, List<String> merchantCategories, List<String> productCategories) {

    /** What is deployed: the token contract's constructor arguments and the rules that go with it. */
    public record Kind(String symbol, String name, String version, int decimals, List<String> merchantCategories,
                       List<String> productCategories) {
    }

    public static final Kind HEIT = new Kind(LocalChain.TOKEN_SYMBOL, LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
            LocalChain.DECIMALS, null, null);
    /** A vitality budget: spendable at sports and well-being merchants only. */
    public static final Kind VITA = new Kind("VITA", "Heerlen Vitaal", "1", 2, List.of("sport", "wellbeing"), null);
    /** Energy credits: spendable on energy-saving products only, wherever sold. */
    public static final Kind ENERGY = new Kind("ENERGY", "Heerlen Energie", "1", 2, null, List.of("energy-saving"));
    /** Another city's token on another chain, with other decimals on purpose: nothing may assume two. */
    public static final Kind MSTR = new Kind("MSTR", "Mestreechter Sjtuver", "1", 6, null, null);

    /** The first chain's purses, HEIT first: the terminal's first token, in which payments are asked. */
    public static final List<Kind> FIRST_CHAIN = List.of(HEIT, VITA, ENERGY);
    public static final long SECOND_CHAIN_ID = 31338;
    public static final List<Kind> SECOND_CHAIN = List.of(MSTR);

    public DevPurse {
        merchantCategories = merchantCategories == null ? null : List.copyOf(merchantCategories);
        productCategories = productCategories == null ? null : List.copyOf(productCategories);
    }

    /** The purse as the terminal's domain sees it, e.g. for signing an authorization under its EIP-712 domain. */
    public Token token() {
        return new Token(symbol, chainId, Address.parse(contract), name, version, decimals);
    }
}
