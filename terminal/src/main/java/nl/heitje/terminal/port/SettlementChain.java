// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.TransferAuthorization;

/**
 * What settlement needs from the chain: sign, send, and read back outcomes. A network fault throws
 * {@link ChainUnavailableException}; a node that answers with an error (rate limit, "header not found", a refused
 * transaction) throws {@link ChainRejectedException}. Neither is ever an answer about an authorization.
 */
public interface SettlementChain {

    /** EIP-1559 fees, in wei per gas. */
    record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
        public static final Fees NONE = new Fees(BigInteger.ZERO, BigInteger.ZERO);
    }

    /** A transaction signed by the terminal's settlement key, not yet sent. */
    record SignedTransaction(String hash, String raw, long accountNonce, Fees fees) {
    }

    /** A token transfer as its {@code Transfer(from, to, value)} event records it. */
    record Transfer(Address from, Address to, BigInteger value) {
    }

    /**
     * One {@code AuthorizationUsed(authorizer, nonce)} event and the {@code Transfer} of the same token that the
     * same call emitted right after it (empty when none did). EIP-3009 nonces are per payer, not per payee: the
     * event alone says the nonce is spent, only the transfer says who got what.
     */
    record Consumption(Address token, Address authorizer, Nonce nonce, Optional<Transfer> transfer) {
        public boolean isOf(TransferAuthorization authorization) {
            return token.equals(authorization.token()) && authorizer.equals(authorization.from())
                    && nonce.equals(authorization.nonce());
        }

        /** True only when exactly this authorization's value went from its payer to its payee. */
        public boolean pays(TransferAuthorization authorization) {
            return isOf(authorization) && transfer
                    .filter(t -> t.from().equals(authorization.from()) && t.to().equals(authorization.to())
                            && t.value().equals(authorization.value()))
                    .isPresent();
        }
    }

    /** A mined transaction: whether it ran, where, and which authorizations it consumed (from its logs). */
    record Receipt(String txHash, boolean succeeded, long gasUsed, long blockNumber, List<Consumption> consumed) {
        public Optional<Consumption> consumptionOf(TransferAuthorization authorization) {
            return consumed.stream().filter(c -> c.isOf(authorization)).findFirst();
        }
    }

    /** The most authorizations one transaction may carry: 1 without a batch contract; fewer when blocks are small. */
    int maxBatchSize();

    /** The settlement account's next nonce, counting transactions the node holds but has not mined. */
    long nextAccountNonce();

    /** The settlement account's nonce counting mined transactions only. */
    long minedAccountNonce();

    /** What the node suggests paying now for a transaction to be mined soon. */
    Fees suggestedFees();

    /** Builds and signs one transaction that settles all of these, at this account nonce with these fees. */
    SignedTransaction sign(List<TransferAuthorization> authorizations, long accountNonce, Fees fees);

    /** Sends a signed transaction; sending one the node already knows, or already mined, is not an error. */
    void broadcast(String rawTransaction);

    Optional<Receipt> receipt(String txHash);

    /** The newest block number, for counting confirmations. */
    long headBlock();

    /** What the token contract would say to this authorization now, if it were sent on its own. */
    Verdict verdict(TransferAuthorization authorization);

    /** The contract's answer to a dry run of one authorization, with its own words for it in {@code reason}. */
    record Verdict(Kind kind, String reason) {
        public enum Kind {
            /** It would settle now. */
            SETTLEABLE,
            /** The payer's balance is short now; it may be topped up before the authorization expires. */
            SHORT_OF_FUNDS,
            /** It cannot settle now, but may later (not yet valid, or a revert the terminal does not know). */
            NOT_NOW,
            /** Its nonce is spent: what became of it is a question for {@link #fate}, not a verdict. */
            SPENT,
            /** It can never settle (expired, a signature or receiver the contract refuses). */
            NEVER
        }

        public static final Verdict SETTLEABLE = new Verdict(Kind.SETTLEABLE, null);
    }

    /**
     * What became of an authorization on chain, whoever sent the transaction: anyone may relay an EIP-3009
     * authorization, the payer may cancel it, and the payer may spend its nonce on another authorization.
     * Logs are searched in bounded block ranges from {@code fromBlock} (the block the terminal knew when it
     * approved), never from genesis: hosted nodes refuse that.
     */
    Fate fate(TransferAuthorization authorization, long fromBlock);

    /**
     * @param txHash      the transaction that used or cancelled it; null when unused or not found
     * @param blockNumber where that transaction is; -1 when none
     * @param consumption for {@code USED}: the event and the transfer it caused
     */
    record Fate(State state, String txHash, long blockNumber, Optional<Consumption> consumption) {
        public enum State {
            /** Still usable: nothing on chain has consumed it. */
            UNUSED,
            /** Its nonce was used by a transfer: see {@code consumption} for whether it was this one. */
            USED,
            /** Cancelled by the payer; it can never be executed. */
            CANCELLED,
            /** Marked used, but no log in the searched range says how. */
            USED_UNTRACEABLE
        }

        public static Fate unused() {
            return new Fate(State.UNUSED, null, -1, Optional.empty());
        }
    }
}
