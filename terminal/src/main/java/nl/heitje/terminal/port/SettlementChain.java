package nl.heitje.terminal.port;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.TransferAuthorization;

/** What settlement needs from the chain: sign, send, and read back outcomes. Faults throw {@link ChainUnavailableException}. */
public interface SettlementChain {

    /** A transaction signed by the terminal's settlement key, not yet sent. */
    record SignedTransaction(String hash, String raw, long accountNonce) {
    }

    /** A mined transaction: whether it ran, and which authorizations it used on chain (from AuthorizationUsed logs). */
    record Receipt(String txHash, boolean succeeded, long gasUsed, Set<UsedAuthorization> used) {
    }

    /** One {@code AuthorizationUsed(authorizer, nonce)} event of a token contract. */
    record UsedAuthorization(Address token, Address authorizer, Nonce nonce) {
        public static UsedAuthorization of(TransferAuthorization authorization) {
            return new UsedAuthorization(authorization.token(), authorization.from(), authorization.nonce());
        }
    }

    /** The most authorizations one transaction may carry: 1 when there is no batch contract. */
    int maxBatchSize();

    /** Builds and signs one transaction that settles all of these (EIP-1559 fees, the next account nonce). */
    SignedTransaction sign(List<TransferAuthorization> authorizations);

    /** Sends a signed transaction; sending one the node already knows is not an error. */
    void broadcast(String rawTransaction);

    Optional<Receipt> receipt(String txHash);

    /** The settlement account's nonce counting mined transactions only. */
    long minedAccountNonce();

    /** Why this authorization cannot be settled now, as the token contract would say it; empty if it could. */
    Optional<String> whyNotSettleable(TransferAuthorization authorization);

    /**
     * What became of an authorization on chain, whoever sent the transaction: anyone may relay an EIP-3009
     * authorization, and the payer may cancel it, but nobody can change its payee or amount.
     */
    Fate fate(TransferAuthorization authorization);

    /** @param txHash the transaction that used or cancelled it; null when unused or when the node cannot tell */
    record Fate(State state, String txHash) {
        public enum State {
            /** Still usable: nothing on chain has consumed it. */
            UNUSED,
            /** Executed: the tokens went to the payee it names. */
            TRANSFERRED,
            /** Cancelled by the payer; it can never be executed. */
            CANCELLED,
            /** Marked used, but the node keeps no log that says how (e.g. pruned history). */
            USED_UNTRACEABLE
        }

        public static Fate unused() {
            return new Fate(State.UNUSED, null);
        }
    }
}
