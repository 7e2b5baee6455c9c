// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.MERCHANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.Purse;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.port.ChainReader;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** Purses on two chains: each payment is asked of its own token's chain, its node, connectivity and gate. */
class PaymentAuthorizerChainsTest {
    private static final ECKeyPair PAYER = Authorizations.key("anna");
    private static final Address PAYER_ADDRESS = Signatures.addressOf(PAYER);
    /** A purse on a chain of its own. */
    private static final Token ROOS = new Token("ROOS", 4242,
            Address.parse("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), "Roosendaalse Roos", "1", 2);
    /** Where the first chain's search for an approval would start: no approval in ROOS may start there. */
    private static final long HEIT_LAST_BLOCK = 777;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeChainReader heitNode = new FakeChainReader().balance(PAYER_ADDRESS, 100_00);
    private final FakeChainReader roosNode = new FakeChainReader().balance(PAYER_ADDRESS, 100_00);
    private final Connectivity heitConnectivity = new Connectivity(heitNode, clock, Instant.EPOCH, HEIT_LAST_BLOCK);
    private final Connectivity roosConnectivity = new Connectivity(roosNode, clock);
    private final RefusingGate heitGate = new RefusingGate();
    private SqliteJournal journal;
    private PaymentAuthorizer authorizer;

    @BeforeEach
    void open() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT, ROOS));
        var twoPurses = Fixtures.rules(List.of(Fixtures.HEIT_PURSE, new Purse(ROOS, Fixtures.OFFLINE_LIMITS,
                Fixtures.MAX_UNSETTLED_ONLINE)), purse -> new RulesStanding.InForce(SpendingRules.NONE));
        Map<Long, ChainReader> readers = Map.of(HEIT.chainId(), heitNode, ROOS.chainId(), roosNode);
        Map<Long, Connectivity> connectivities = Map.of(HEIT.chainId(), heitConnectivity,
                ROOS.chainId(), roosConnectivity);
        Map<Long, ApprovalGate> gates = Map.of(HEIT.chainId(), heitGate, ROOS.chainId(), ApprovalGate.UNGUARDED);
        authorizer = new PaymentAuthorizer(twoPurses, new PurseChains() {
            @Override
            public ChainReader reader(Token token) {
                return readers.get(token.chainId());
            }

            @Override
            public Connectivity connectivity(Token token) {
                return connectivities.get(token.chainId());
            }

            @Override
            public ApprovalGate gate(Token token) {
                return gates.get(token.chainId());
            }
        }, journal, new FakeDenyList(), new FakeHolderBalances().balance(PAYER_ADDRESS, 100_00)
                .coveredUpTo(1, Fixtures.NOW), clock);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void aPurseIsApprovedOnlineOnItsOwnChainWhileTheOtherChainIsDownAndUntrusted() {
        heitNode.unavailable(true);
        heitConnectivity.probe();
        roosConnectivity.probe();
        long roosBlock = roosConnectivity.lastBlock();
        int heitCallsBefore = heitNode.calls();

        Payment approved = decide(ROOS, 450);

        assertEquals(PaymentStatus.APPROVED, approved.status(), approved.toString());
        assertFalse(approved.offline(), "the purse's own chain was reached and trusted");
        assertEquals(heitCallsBefore, heitNode.calls(), "the other purse's node was not asked");
        assertEquals(0, heitGate.asked, "nor its gate");
        var queued = journal.settlementQueue(ROOS.chainId()).pending(10, Fixtures.NOW.plusSeconds(86_400));
        assertEquals(1, queued.size());
        assertEquals(roosBlock, queued.get(0).searchFromBlock(), "the search starts at the purse's own chain's block");
        assertEquals(List.of(), journal.settlementQueue(HEIT.chainId()).pending(10, Fixtures.NOW.plusSeconds(86_400)));
    }

    @Test
    void aPurseOnTheChainThatIsDownIsDecidedOnItsOwnChainsOfflineRules() {
        heitNode.unavailable(true);
        heitConnectivity.probe();
        roosConnectivity.probe();
        int roosCallsBefore = roosNode.calls();

        Payment declined = decide(HEIT, 450);

        assertEquals(DeclineCode.OFFLINE_LIMIT, declined.declineCode(), declined.toString());
        assertTrue(declined.offline(), "decided on the offline rules of the purse's own chain");
        assertTrue(heitGate.asked > 0, "its own chain's gate refused the offline approval");
        assertEquals(roosCallsBefore, roosNode.calls(), "the chain that is up was not asked about this purse");
    }

    private Payment decide(Token token, long units) {
        Payment waiting = Payment.waiting(UUID.randomUUID().toString(), "till-" + UUID.randomUUID(),
                new Money(units, token), clock.instant());
        journal.create(waiting);
        var authorization = Authorizations.builder(token, PAYER).to(MERCHANT).value(units).build();
        return authorizer.decide(waiting, Optional.of(authorization), PaymentMethod.QR);
    }

    /** A gate that refuses every approval and counts how often it was asked. */
    private static final class RefusingGate implements ApprovalGate {
        int asked;

        @Override
        public Optional<String> refusesOnline() {
            asked++;
            return Optional.of("not trusted");
        }

        @Override
        public Optional<String> refusesOffline() {
            asked++;
            return Optional.of("not trusted");
        }
    }
}
