// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * What a settlement test on a real anvil starts from: one anvil per test class, and per test a fresh journal file
 * and the web3j chain adapter with the class's own settlement key.
 */
abstract class SettlementOnAnvil {
    static ChainUnderTest anvil;
    static LocalChain chain;
    static Web3j web3j;
    static Token token;
    static Address merchant;

    @TempDir
    Path dir;
    SqliteJournal journal;
    Web3jChain settler;
    Connectivity connectivity;

    @BeforeAll
    static void startChain() {
        anvil = ChainUnderTest.start();
        chain = anvil.chain;
        web3j = anvil.web3j;
        token = anvil.token;
        merchant = anvil.merchant;
    }

    @AfterAll
    static void stopChain() {
        anvil.close();
    }

    /** This class's own settlement key (an anvil development account), so its account nonce is its own. */
    abstract Credentials settlementKey();

    @BeforeEach
    void openJournalAndChain() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(token));
        settler = new Web3jChain(web3j, LocalChain.CHAIN_ID, settlementKey(), Optional.of(Address.parse(chain.batcher())),
                50, 1000);
        connectivity = new Connectivity(settler, Clock.systemUTC());
        connectivity.probe();
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    String approve(TransferAuthorization authorization) {
        return anvil.approve(journal, authorization, settler.headBlock());
    }
}
