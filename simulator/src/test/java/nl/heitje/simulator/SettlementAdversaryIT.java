// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.app.SettlementWorker;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain.SignedTransaction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * A payer who knows EIP-3009 attacks the settlement of an approval the terminal already gave, on a real anvil with
 * the real token, journal and settlement worker. SETTLED must mean the merchant has the money.
 */
class SettlementAdversaryIT extends SettlementOnAnvil {
    /** anvil's development account 8: this test's settlement key, so its account nonce is its own. */
    private static final Credentials SETTLER =
            Credentials.create("0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97");
    /** anvil's development account 7: the payer's accomplice, who relays the payer's second authorization. */
    private static final Credentials ACCOMPLICE =
            Credentials.create("0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356");
    private SettlementWorker worker;

    @Override
    Credentials settlementKey() {
        return SETTLER;
    }

    @BeforeEach
    void startWorker() {
        worker = new SettlementWorker(journal, settler, connectivity, SettlementCrashRecoveryIT.POLICY, Clock.systemUTC());
    }

    @Test
    void aPayerWhoSpendsTheNonceOnAnotherTransferIsFailedNotSettled() throws Exception {
        DevWallet payer = DevWallet.create();
        chain.mint(payer.address().hex(), BigInteger.valueOf(1_000));
        long validBefore = Instant.now().plus(Duration.ofDays(1)).getEpochSecond();
        TransferAuthorization toMerchant = payer.authorize(token, merchant, 450, validBefore);
        String paymentId = approve(toMerchant);
        BigInteger merchantBefore = chain.balanceOf(merchant.hex());

        // The same nonce, 0.01 to the payer's own other address, relayed before the terminal settles.
        TransferAuthorization toSelf = payer.authorize(token, DevWallet.create().address(), 1, validBefore,
                toMerchant.nonce());
        Web3jChain accomplice = new Web3jChain(web3j, LocalChain.CHAIN_ID, ACCOMPLICE,
                Optional.of(Address.parse(chain.batcher())), 50, 1000);
        SignedTransaction theirs = Web3jChainIT.signNext(accomplice, List.of(toSelf));
        accomplice.broadcast(theirs.raw());
        LocalChain.awaitReceipt(web3j, theirs.hash());

        settleEverything();

        Payment.Settlement settlement = journal.find(paymentId).orElseThrow().settlement();
        assertEquals(SettlementStatus.FAILED, settlement.status(), "the merchant never got the 4.50");
        assertTrue(settlement.reason().contains("another transfer"), settlement.reason());
        assertEquals(merchantBefore, chain.balanceOf(merchant.hex()));
        assertTrue(journal.isBlocked(payer.address()), "the payer is declined at this terminal from now on");
    }

    private void settleEverything() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (journal.unsettledCount() > 0 && Instant.now().isBefore(deadline)) {
            worker.runOnce();
            Thread.sleep(20);
        }
    }
}
