// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * One real anvil for a test class, with the deployed Heitje, a JSON-RPC client and the merchant: what every chain
 * test starts from. Closing it stops anvil.
 */
final class ChainUnderTest implements AutoCloseable {
    final LocalChain chain;
    final Web3j web3j;
    final Token token;
    final Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());

    private ChainUnderTest(LocalChain chain) {
        this.chain = chain;
        this.web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        this.token = chain.heitje();
    }

    static ChainUnderTest start() {
        return new ChainUnderTest(LocalChain.start(EthersSigner.chainDir()));
    }

    /** An approval recorded in the journal the way the payment desk records one; answers the payment id. */
    String approve(SqliteJournal journal, TransferAuthorization authorization, long knownBlock) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long units = authorization.value().longValueExact();
        Payment waiting = Payment.waiting(UUID.randomUUID().toString(), "chain-test-" + units, new Money(units, token),
                now);
        journal.create(waiting);
        journal.approve(waiting.approve(token, authorization.from(), PaymentMethod.QR, false, now),
                new Redemption(waiting.id(), token, authorization, PaymentMethod.QR, false, now, knownBlock));
        return waiting.id();
    }

    @Override
    public void close() {
        web3j.shutdown();
        chain.close();
    }
}
