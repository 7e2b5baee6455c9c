// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.ChainUnavailableException;
import nl.heitje.terminal.port.SettlementChain.Fate;
import nl.heitje.terminal.port.SettlementChain.Receipt;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import nl.heitje.terminal.port.SettlementChain.Verdict;
import nl.heitje.terminal.port.SettlementChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The web3j chain adapter against a real anvil with the real token and batch contract. */
class Web3jChainIT {
    private static LocalChain chain;
    private static Web3j web3j;
    private static Token token;
    private static Address merchant;
    /** anvil's development account 3: a settlement key of this test's own, so nonces are not shared. */
    private static final Credentials RELAYER =
            Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(EthersSigner.chainDir());
        web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        token = chain.heitje();
        merchant = Address.parse(LocalChain.MERCHANT.getAddress());
    }

    @AfterAll
    static void stopChain() {
        web3j.shutdown();
        chain.close();
    }

    private static Web3jChain batching() {
        return new Web3jChain(web3j, LocalChain.CHAIN_ID, RELAYER, Optional.of(Address.parse(chain.batcher())), 50, 1000);
    }

    private static TransferAuthorization fundedAuthorization(long balance, long units) {
        DevWallet payer = DevWallet.create();
        if (balance > 0) {
            chain.mint(payer.address().hex(), BigInteger.valueOf(balance));
        }
        return payer.authorize(token, merchant, units, Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
    }

    static SignedTransaction signNext(SettlementChain adapter, List<TransferAuthorization> authorizations) {
        return adapter.sign(authorizations, adapter.nextAccountNonce(), adapter.suggestedFees());
    }

    private static Set<nl.heitje.terminal.domain.Nonce> consumedNonces(Receipt receipt) {
        return receipt.consumed().stream().map(SettlementChain.Consumption::nonce).collect(Collectors.toSet());
    }

    private static Receipt mine(Web3jChain adapter, SignedTransaction signed) throws InterruptedException {
        // A deadline, not a count of tries: on a loaded machine each try may itself take long.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Optional<Receipt> receipt = adapter.receipt(signed.hash());
            if (receipt.isPresent()) {
                return receipt.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not mined within 60 s: " + signed.hash());
    }

    @Test
    void aBatchSettlesTheGoodItemsAndNamesWhyTheOthersCannotSettle() throws Exception {
        Web3jChain adapter = batching();
        TransferAuthorization good = fundedAuthorization(1_000, 450);
        TransferAuthorization alsoGood = fundedAuthorization(500, 500);
        TransferAuthorization unfunded = fundedAuthorization(100, 450);
        BigInteger merchantBefore = adapter.balanceOf(token, merchant);

        SignedTransaction signed = signNext(adapter, List.of(good, unfunded, alsoGood, good));
        adapter.broadcast(signed.raw());
        Receipt receipt = mine(adapter, signed);

        assertTrue(receipt.succeeded(), "allowFailure keeps the batch alive");
        assertEquals(Set.of(good.nonce(), alsoGood.nonce()), consumedNonces(receipt));
        assertTrue(receipt.consumptionOf(good).orElseThrow().pays(good), "each use is paired with its transfer");
        assertTrue(receipt.consumptionOf(alsoGood).orElseThrow().pays(alsoGood));
        assertEquals(merchantBefore.add(BigInteger.valueOf(950)), adapter.balanceOf(token, merchant));
        assertTrue(adapter.authorizationUsed(token, good.from(), good.nonce()));
        assertFalse(adapter.authorizationUsed(token, unfunded.from(), unfunded.nonce()));
        assertEquals(new Verdict(Verdict.Kind.SHORT_OF_FUNDS, "ERC20InsufficientBalance"), adapter.verdict(unfunded));
        assertEquals(new Verdict(Verdict.Kind.SPENT, "AuthorizationAlreadyUsed"), adapter.verdict(good));
    }

    @Test
    void withoutABatchContractEachRedemptionIsItsOwnTransferWithAuthorization() throws Exception {
        Web3jChain adapter = new Web3jChain(web3j, LocalChain.CHAIN_ID, RELAYER, Optional.empty(), 50, 1000);
        TransferAuthorization authorization = fundedAuthorization(1_000, 250);
        assertEquals(1, adapter.maxBatchSize());
        assertThrows(IllegalArgumentException.class, () -> signNext(adapter, List.of(authorization, authorization)));

        SignedTransaction signed = signNext(adapter, List.of(authorization));
        adapter.broadcast(signed.raw());
        Receipt receipt = mine(adapter, signed);

        assertEquals(Set.of(authorization.nonce()), consumedNonces(receipt));
        assertEquals(BigInteger.valueOf(750), adapter.balanceOf(token, authorization.from()));
    }

    @Test
    void sendingTheSameSignedTransactionAgainIsHarmless() throws Exception {
        Web3jChain adapter = batching();
        TransferAuthorization authorization = fundedAuthorization(1_000, 100);
        SignedTransaction signed = signNext(adapter, List.of(authorization));
        adapter.broadcast(signed.raw());
        mine(adapter, signed);
        long nonceAfter = adapter.minedAccountNonce();

        assertDoesNotThrow(() -> adapter.broadcast(signed.raw()), "a resend after a crash must not be an error");
        assertEquals(nonceAfter, adapter.minedAccountNonce());
        assertEquals(BigInteger.valueOf(900), adapter.balanceOf(token, authorization.from()), "charged exactly once");
    }

    @Test
    void tellsWhatBecameOfAnAuthorizationWhoeverSentIt() throws Exception {
        Web3jChain ours = batching();
        // Another relayer: anvil's development account 5. Anyone may submit an EIP-3009 authorization.
        Web3jChain someoneElse = new Web3jChain(web3j, LocalChain.CHAIN_ID,
                Credentials.create("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
                Optional.of(Address.parse(chain.batcher())), 50, 1000);
        TransferAuthorization relayed = fundedAuthorization(1_000, 100);
        TransferAuthorization untouched = fundedAuthorization(1_000, 100);
        DevWallet canceller = DevWallet.create();
        chain.mint(canceller.address().hex(), BigInteger.valueOf(1_000));
        TransferAuthorization withdrawn = canceller.authorize(token, merchant, 100,
                Instant.now().plus(Duration.ofDays(1)).getEpochSecond());

        SignedTransaction theirs = signNext(someoneElse, List.of(relayed));
        someoneElse.broadcast(theirs.raw());
        mine(someoneElse, theirs);
        chain.cancelAuthorization(withdrawn.from(), withdrawn.nonce(), canceller.cancellation(token, withdrawn.nonce()));

        Fate relayedFate = ours.fate(relayed, 0);
        assertEquals(Fate.State.USED, relayedFate.state());
        assertEquals(theirs.hash(), relayedFate.txHash());
        assertTrue(relayedFate.consumption().orElseThrow().pays(relayed));
        assertEquals(Fate.unused(), ours.fate(untouched, 0));
        Fate cancelled = ours.fate(withdrawn, 0);
        assertEquals(Fate.State.CANCELLED, cancelled.state());
        assertTrue(cancelled.txHash().startsWith("0x"));
        assertEquals(Verdict.Kind.SPENT, ours.verdict(withdrawn).kind());
    }

    @Test
    void aNonceThePayerSpentOnAnotherTransferIsUsedButDoesNotPayTheMerchant() throws Exception {
        Web3jChain ours = batching();
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(1_000));
        long validBefore = Instant.now().plus(Duration.ofDays(1)).getEpochSecond();
        TransferAuthorization toMerchant = payer.authorize(token, merchant, 450, validBefore);
        TransferAuthorization toSelf = payer.authorize(token, DevWallet.create().address(), 1, validBefore,
                toMerchant.nonce());
        long before = ours.headBlock();
        SignedTransaction theirs = signNext(ours, List.of(toSelf));
        ours.broadcast(theirs.raw());
        mine(ours, theirs);

        Fate fate = ours.fate(toMerchant, before);

        assertEquals(Fate.State.USED, fate.state());
        assertEquals(theirs.hash(), fate.txHash());
        assertFalse(fate.consumption().orElseThrow().pays(toMerchant), "the 0.01 went elsewhere");
        assertTrue(fate.consumption().orElseThrow().pays(toSelf));
    }

    @Test
    void fitsABatchUnderHalfOfTheBlockGasLimit() throws Exception {
        Web3jChain adapter = batching();
        assertEquals(50, adapter.maxBatchSize());
        chain.rpc("evm_setBlockGasLimit", "0xf4240");
        chain.mint(merchant.hex(), BigInteger.ONE); // a new block with the new limit
        try {
            assertEquals((1_000_000 / 2 - 60_000) / 90_000, adapter.maxBatchSize());
        } finally {
            chain.rpc("evm_setBlockGasLimit", "0x1c9c380");
            chain.mint(merchant.hex(), BigInteger.ONE);
        }
    }

    @Test
    void aDeadNodeIsChainUnavailableNotAnAnswer() throws java.io.IOException {
        // A port bound but never listened on refuses every connection, and nobody else can take it meanwhile.
        try (java.net.Socket reserved = new java.net.Socket()) {
            reserved.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            aDeadNodeAt(reserved.getLocalPort());
        }
    }

    private static void aDeadNodeAt(int port) {
        Web3j dead = Web3j.build(new HttpService("http://127.0.0.1:" + port));
        try {
            Web3jChain adapter = new Web3jChain(dead, LocalChain.CHAIN_ID, RELAYER, Optional.empty(), 1, 1000);
            assertThrows(ChainUnavailableException.class, adapter::blockNumber);
            assertThrows(ChainUnavailableException.class, () -> adapter.balanceOf(token, merchant));
        } finally {
            dead.shutdown();
        }
    }
}
