// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import nl.heitje.terminal.app.SettlementWorker;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Settlement on a real anvil that misbehaves the way public chains do: fees spike and leave our transaction
 * unmined, and a reorg drops a mined transaction. Each payment must still settle exactly once.
 */
class SettlementOnAnUnreliableChainIT extends SettlementOnAnvil {
    /** anvil's development account 9: this test's settlement key. */
    private static final Credentials SETTLER =
            Credentials.create("0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");
    private static final int CONFIRMATIONS = 10;
    private static final BigInteger FEE_CAP = BigInteger.valueOf(500_000_000_000L);
    @Override
    Credentials settlementKey() {
        return SETTLER;
    }

    @AfterEach
    void calmTheChain() {
        // For the next test: automine on, base fee back to 1 gwei.
        chain.rpc("evm_setAutomine", true);
        chain.rpc("anvil_setNextBlockBaseFeePerGas", "0x3b9aca00");
        chain.rpc("evm_mine");
    }

    @Test
    void aTransactionStuckBehindAFeeSpikeIsReplacedAtTheSameNonceAndSettlesOnce() {
        TransferAuthorization authorization = fundedAuthorization(450);
        chain.rpc("evm_setAutomine", false);
        String paymentId = approve(authorization);
        BigInteger merchantBefore = chain.balanceOf(merchant.hex());
        long nonceBefore = settler.minedAccountNonce();
        // Replace whatever is unmined at once: the test decides when blocks come.
        SettlementWorker worker = worker(0, Duration.ZERO);

        assertEquals(SettlementWorker.Round.SUBMITTED, worker.runOnce());
        chain.rpc("anvil_setNextBlockBaseFeePerGas", "0x174876e800"); // 100 gwei, far above our first bid
        chain.rpc("evm_mine");
        assertEquals(SettlementStatus.SUBMITTED, journal.find(paymentId).orElseThrow().settlement().status(),
                "priced out of the block");

        assertEquals(SettlementWorker.Round.AWAITING_RECEIPT, worker.runOnce());
        chain.rpc("evm_mine");
        assertEquals(SettlementWorker.Round.COMPLETED, worker.runOnce());

        assertEquals(List.of(), journal.inFlight(), "nothing left in flight");
        Payment.Settlement settlement = journal.find(paymentId).orElseThrow().settlement();
        assertEquals(SettlementStatus.SETTLED, settlement.status());
        assertEquals(nonceBefore + 1, settler.minedAccountNonce(), "one transaction mined: the replacement");
        assertEquals(merchantBefore.add(BigInteger.valueOf(450)), chain.balanceOf(merchant.hex()), "paid once");
        assertTrue(web3j.ethGetTransactionReceipt(settlement.txHash()).sendAsync().join().getTransactionReceipt()
                .isPresent(), "the recorded hash is the mined one");
    }

    @Test
    void aReorgThatDropsOurTransactionSendsItAgainAndSettlesOnceWithItsConfirmations() throws InterruptedException {
        TransferAuthorization authorization = fundedAuthorization(300);
        String paymentId = approve(authorization);
        BigInteger merchantBefore = chain.balanceOf(merchant.hex());
        String snapshot = chain.rpc("evm_snapshot").asText();
        // Ten confirmations: far more than any block the test does not mine itself, so the reorg surely comes
        // before the payment may count as settled.
        SettlementWorker worker = worker(CONFIRMATIONS, Duration.ofHours(1));

        worker.runOnce();
        assertEquals(merchantBefore.add(BigInteger.valueOf(300)), chain.balanceOf(merchant.hex()), "mined");
        assertNotEquals(SettlementStatus.SETTLED, journal.find(paymentId).orElseThrow().settlement().status(),
                "one confirmation of " + CONFIRMATIONS);

        chain.rpc("evm_revert", snapshot);
        assertEquals(merchantBefore, chain.balanceOf(merchant.hex()), "the reorg took the transfer away");

        // No receipt any more: the same bytes go out again (or, had the item gone back to the queue, it is looked
        // up, found unused, and sent again), and it settles once it has its confirmations.
        Instant deadline = Instant.now().plusSeconds(120);
        while (journal.find(paymentId).orElseThrow().settlement().status() != SettlementStatus.SETTLED
                && Instant.now().isBefore(deadline)) {
            worker.runOnce();
            chain.rpc("anvil_mine", "0x" + Integer.toHexString(CONFIRMATIONS));
            Thread.sleep(50);
        }

        assertEquals(SettlementStatus.SETTLED, journal.find(paymentId).orElseThrow().settlement().status());
        assertEquals(merchantBefore.add(BigInteger.valueOf(300)), chain.balanceOf(merchant.hex()), "paid once");
    }

    private SettlementWorker worker(int confirmations, Duration replaceAfter) {
        return new SettlementWorker(journal, settler, connectivity, new SettlementWorker.Policy(50, confirmations,
                replaceAfter, FEE_CAP, Duration.ofMillis(200)), Clock.systemUTC());
    }

    private TransferAuthorization fundedAuthorization(long units) {
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(1_000));
        return payer.authorize(token, merchant, units, Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
    }
}
