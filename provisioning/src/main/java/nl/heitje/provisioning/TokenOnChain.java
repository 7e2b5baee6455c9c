// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.provisioning;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes1;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * Reads an accepted token's facts from the chain at onboarding, and refuses a contract the terminal could not take
 * payments in: no code, no EIP-3009, or an EIP-712 domain that our own {@link Eip3009#domainSeparator} does not
 * reproduce (the terminal would then check every payer's signature against the wrong digest and decline them all).
 */
final class TokenOnChain {
    /** Why a token is refused; its message is the one line the installer sees. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final Web3j web3j;

    TokenOnChain(Web3j web3j) {
        this.web3j = web3j;
    }

    /** The chain's id, from the node ({@code eth_chainId}). */
    long chainId(String rpcUrl) throws Refused {
        try {
            var answer = web3j.ethChainId().send();
            if (answer.hasError()) {
                throw new Refused("the chain RPC " + rpcUrl + " answers eth_chainId with an error: "
                        + answer.getError().getMessage());
            }
            return answer.getChainId().longValueExact();
        } catch (IOException | RuntimeException unreachable) {
            throw new Refused("cannot reach the chain RPC " + rpcUrl + " (" + oneLine(unreachable) + ")");
        }
    }

    /** Reads and checks the token at {@code contract} on chain {@code chainId}. */
    Token read(Address contract, long chainId) throws Refused {
        String where = "token " + contract;
        try {
            requireCode(contract, "token", chainId);
            // authorizationState(address,bytes32) is a view every EIP-3009 token has; anything else reverts or
            // answers nothing.
            List<Type> state = call(contract, new Function("authorizationState",
                    List.of(new org.web3j.abi.datatypes.Address(contract.hex()), new Bytes32(new byte[32])),
                    List.of(new TypeReference<org.web3j.abi.datatypes.Bool>() { })));
            if (state.isEmpty()) {
                throw new Refused(where + " is not an EIP-3009 token (no authorizationState)");
            }
            String name;
            String version;
            List<Type> domain = call(contract, new Function("eip712Domain", List.of(), List.of(
                    new TypeReference<Bytes1>() { }, new TypeReference<Utf8String>() { },
                    new TypeReference<Utf8String>() { }, new TypeReference<Uint256>() { },
                    new TypeReference<org.web3j.abi.datatypes.Address>() { }, new TypeReference<Bytes32>() { },
                    new TypeReference<DynamicArray<Uint256>>() { })));
            if (domain.size() == 7) {
                name = (String) domain.get(1).getValue();
                version = (String) domain.get(2).getValue();
            } else { // a token from before EIP-5267 names its domain in name() and version()
                name = text(contract, "name");
                version = text(contract, "version");
                if (name == null || version == null) {
                    throw new Refused(where + " names no EIP-712 domain (neither eip712Domain() nor name() and version())");
                }
            }
            String symbol = text(contract, "symbol");
            List<Type> decimals = call(contract, new Function("decimals", List.of(),
                    List.of(new TypeReference<Uint8>() { })));
            List<Type> separator = call(contract, new Function("DOMAIN_SEPARATOR", List.of(),
                    List.of(new TypeReference<Bytes32>() { })));
            if (symbol == null || decimals.isEmpty() || separator.isEmpty()) {
                throw new Refused(where + " lacks symbol(), decimals() or DOMAIN_SEPARATOR()");
            }
            int places = ((BigInteger) decimals.get(0).getValue()).intValueExact();
            if (places > 18 || !symbol.matches("[A-Za-z0-9]{1,11}")) {
                throw new Refused(where + " has a symbol or decimals the terminal cannot show: " + symbol + ", " + places);
            }
            Token token = new Token(symbol, chainId, contract, name, version, places);
            byte[] onChain = (byte[]) separator.get(0).getValue();
            if (!Arrays.equals(onChain, Eip3009.domainSeparator(token))) {
                throw new Refused(where + ": its DOMAIN_SEPARATOR " + Numeric.toHexString(onChain)
                        + " is not the EIP-712 domain of (" + name + ", " + version + ", chain " + chainId + ", "
                        + contract + "); payments signed for it would be declined");
            }
            return token;
        } catch (IOException | RuntimeException unreachable) {
            throw new Refused("cannot read " + where + " from the chain (" + oneLine(unreachable) + ")");
        }
    }

    /** Refuses an address without contract code (a typo, or a contract on another chain). */
    void requireCode(Address contract, String option, long chainId) throws Refused {
        try {
            String code = web3j.ethGetCode(contract.hex(), DefaultBlockParameterName.LATEST).send().getCode();
            if (code == null || Numeric.cleanHexPrefix(code).isEmpty()) {
                throw new Refused(option + " " + contract + " has no contract code on chain " + chainId);
            }
        } catch (IOException | RuntimeException unreachable) {
            throw new Refused("cannot read " + contract + " from the chain (" + oneLine(unreachable) + ")");
        }
    }

    /** A string view such as name(); null when the contract has none. */
    private String text(Address contract, String view) throws IOException {
        List<Type> answer = call(contract, new Function(view, List.of(), List.of(new TypeReference<Utf8String>() { })));
        return answer.isEmpty() ? null : (String) answer.get(0).getValue();
    }

    /** The decoded answer of a view; empty when it reverts or answers nothing (or something undecodable). */
    @SuppressWarnings("rawtypes")
    private List<Type> call(Address contract, Function function) throws IOException {
        EthCall answer = web3j.ethCall(Transaction.createEthCallTransaction(null, contract.hex(),
                FunctionEncoder.encode(function)), DefaultBlockParameterName.LATEST).send();
        if (answer.hasError() || answer.isReverted() || answer.getValue() == null
                || Numeric.cleanHexPrefix(answer.getValue()).isEmpty()) {
            return List.of();
        }
        try {
            return FunctionReturnDecoder.decode(answer.getValue(), function.getOutputParameters());
        } catch (RuntimeException undecodable) {
            return List.of();
        }
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
