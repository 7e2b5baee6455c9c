// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.SettlementWorker;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The terminal loses power around the moment it sends a settlement transaction. On a real chain with a real
 * journal file, the restarted terminal must settle every approval exactly once, with the transaction it had
 * already committed to the journal.
 */
class SettlementCrashRecoveryIT {
    private static LocalChain chain;
    private static Web3j web3j;
    private static Token token;
    /** anvil's development account 4, so this test's account nonce is its own. */
    private static final Credentials RELAYER =
            Credentials.create("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a");
    /** A dev chain: the receipt is final; nothing is replaced within the test's lifetime. */
    static final SettlementWorker.Policy POLICY = new SettlementWorker.Policy(50, 0, Duration.ofHours(1),
            BigInteger.valueOf(500_000_000_000L), Duration.ofMillis(200));
    @TempDir
    Path dir;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(EthersSigner.chainDir());
        web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        token = chain.heitje();
    }

    @AfterAll
    static void stopChain() {
        web3j.shutdown();
        chain.close();
    }

    /** Power fails in {@code broadcast}: before the bytes leave, or just after. */
    private static final class PowerCut extends RuntimeException {
    }

    /** The real chain, except that power fails in {@code broadcast}: before the bytes leave, or just after. */
    private static SettlementChain failingBroadcast(Web3jChain real, boolean afterSending) {
        return new SettlementChain() {
            public int maxBatchSize() {
                return real.maxBatchSize();
            }

            public long nextAccountNonce() {
                return real.nextAccountNonce();
            }

            public long minedAccountNonce() {
                return real.minedAccountNonce();
            }

            public Fees suggestedFees() {
                return real.suggestedFees();
            }

            public SignedTransaction sign(List<TransferAuthorization> authorizations, long accountNonce, Fees fees) {
                return real.sign(authorizations, accountNonce, fees);
            }

            public void broadcast(String rawTransaction) {
                if (afterSending) {
                    real.broadcast(rawTransaction);
                }
                throw new PowerCut();
            }

            public Optional<Receipt> receipt(String txHash) {
                return real.receipt(txHash);
            }

            public long headBlock() {
                return real.headBlock();
            }

            public Verdict verdict(TransferAuthorization authorization) {
                return real.verdict(authorization);
            }

            public Fate fate(TransferAuthorization authorization, long fromBlock) {
                return real.fate(authorization, fromBlock);
            }
        };
    }

    @Test
    void aCrashBeforeTheTransactionLeftIsFinishedWithTheSameTransaction() throws Exception {
        recoversExactlyOnce(false);
    }

    @Test
    void aCrashAfterTheTransactionLeftIsFinishedFromItsReceipt() throws Exception {
        recoversExactlyOnce(true);
    }

    private void recoversExactlyOnce(boolean crashAfterSending) throws Exception {
        Web3jChain real = new Web3jChain(web3j, LocalChain.CHAIN_ID, RELAYER, Optional.of(Address.parse(chain.batcher())), 50,
                1000);
        Connectivity connectivity = new Connectivity(real, Clock.systemUTC());
        connectivity.probe();
        Path file = dir.resolve("journal.db");
        DevWallet citizen = DevWallet.create();
        chain.mint(citizen.address().hex(), BigInteger.valueOf(2_000));
        long nonceBefore = real.minedAccountNonce();

        SqliteJournal beforeCrash = SqliteJournal.open(file, List.of(token));
        String first = approve(beforeCrash, citizen, 450);
        String second = approve(beforeCrash, citizen, 300);
        var crashing = new SettlementWorker(beforeCrash, failingBroadcast(real, crashAfterSending), connectivity,
                POLICY, Clock.systemUTC());
        assertThrows(PowerCut.class, crashing::runOnce);
        String committedTx = beforeCrash.inFlight().get(0).newest().txHash();
        beforeCrash.close();

        try (SqliteJournal afterRestart = SqliteJournal.open(file, List.of(token))) {
            var worker = new SettlementWorker(afterRestart, real, connectivity, POLICY, Clock.systemUTC());
            // A deadline for a loaded machine; a round that found the node slow marks it offline, so probe again.
            Instant deadline = Instant.now().plusSeconds(120);
            while (!afterRestart.inFlight().isEmpty() && Instant.now().isBefore(deadline)) {
                if (worker.runOnce() == SettlementWorker.Round.OFFLINE) {
                    connectivity.probe();
                }
                Thread.sleep(50);
            }
            for (String paymentId : List.of(first, second)) {
                Payment.Settlement settlement = afterRestart.find(paymentId).orElseThrow().settlement();
                assertEquals(SettlementStatus.SETTLED, settlement.status(), paymentId);
                assertEquals(committedTx, settlement.txHash(), "settled by the transaction committed before the crash");
            }
            assertEquals(SettlementWorker.Round.IDLE, worker.runOnce(), "nothing is left to submit again");
        }
        assertEquals(nonceBefore + 1, real.minedAccountNonce(), "exactly one settlement transaction was mined");
        assertEquals(BigInteger.valueOf(2_000 - 750), chain.balanceOf(citizen.address().hex()));
    }

    private static String approve(SqliteJournal journal, DevWallet citizen, long units) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
        TransferAuthorization authorization = citizen.authorize(token, merchant, units,
                now.plus(Duration.ofDays(1)).getEpochSecond());
        Payment waiting = Payment.waiting(UUID.randomUUID().toString(), "crash-" + units, new Money(units, token), now);
        journal.create(waiting);
        journal.approve(waiting.approve(token, citizen.address(), PaymentMethod.QR, false, now),
                new Redemption(waiting.id(), token, authorization, PaymentMethod.QR, false, now, 0));
        return waiting.id();
    }
}
