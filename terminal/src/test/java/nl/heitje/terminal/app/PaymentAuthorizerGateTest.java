// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.app;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static nl.heitje.terminal.support.Fixtures.MERCHANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.PaymentStatus;
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

/** The one place the payment path asks the trust gate: what a refusal online, and offline, does to a payment. */
class PaymentAuthorizerGateTest {
    private static final ECKeyPair PAYER = Authorizations.key("anna");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Fixtures.NOW);
    private final FakeChainReader chain = new FakeChainReader().balance(Signatures.addressOf(PAYER), 100_00);
    private final Connectivity connectivity = new Connectivity(chain, clock);
    private volatile Optional<String> onlineRefusal = Optional.empty();
    private volatile Optional<String> offlineRefusal = Optional.empty();
    private SqliteJournal journal;
    private PaymentAuthorizer authorizer;

    @BeforeEach
    void openTerminal() {
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        connectivity.markOnline();
        ApprovalGate gate = new ApprovalGate() {
            @Override
            public Optional<String> refusesOnline() {
                return onlineRefusal;
            }

            @Override
            public Optional<String> refusesOffline() {
                return offlineRefusal;
            }
        };
        authorizer = new PaymentAuthorizer(Fixtures.rules(), PurseChains.single(chain, connectivity, gate), journal,
                new FakeDenyList(),
                new FakeHolderBalances().balance(Signatures.addressOf(PAYER), 100_00).coveredUpTo(1, Fixtures.NOW),
                clock);
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private Payment pay(long units, String nonce) {
        Payment waiting = Payment.waiting(UUID.randomUUID().toString(), "till-" + nonce, new Money(units, HEIT),
                clock.instant());
        journal.create(waiting);
        var authorization = Authorizations.builder(HEIT, PAYER).to(MERCHANT).value(units)
                .nonce(Authorizations.nonce(nonce)).build();
        return authorizer.decide(waiting, Optional.of(authorization), PaymentMethod.QR);
    }

    @Test
    void approvesOnlineWhenTheGateIsOpen() {
        int before = chain.calls();
        Payment approved = pay(450, "open");

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertFalse(approved.offline());
        assertTrue(chain.calls() > before);
    }

    @Test
    void anUntrustedNodeIsNotAskedAndTheOfflineRulesDecide() {
        onlineRefusal = Optional.of("the node serves chain id 1");
        int before = chain.calls();

        Payment small = pay(450, "untrusted-small");
        Payment large = pay(25_00, "untrusted-large");

        assertEquals(PaymentStatus.APPROVED, small.status());
        assertTrue(small.offline(), "within the offline limits, on the offline window");
        assertEquals(DeclineCode.OFFLINE_LIMIT, large.declineCode(), "above the 20.00 offline limit");
        assertEquals(before, chain.calls(), "the untrusted node's word is not even asked for");
        assertTrue(connectivity.isOnline(), "the node is reachable; it is only not believed");
    }

    @Test
    void aRefusedOfflineApprovalIsDeclinedOfflineLimit() {
        onlineRefusal = Optional.of("our clock has not been confirmed");
        offlineRefusal = Optional.of("our clock has not been confirmed");

        Payment declined = pay(450, "refused");

        assertEquals(PaymentStatus.DECLINED, declined.status());
        assertEquals(DeclineCode.OFFLINE_LIMIT, declined.declineCode());
        assertTrue(declined.offline());
    }

    @Test
    void anOfflineRefusalLeavesTrustedOnlineApprovalsAlone() {
        offlineRefusal = Optional.of("the chain was last reached too long ago");

        Payment approved = pay(450, "online-only");

        assertEquals(PaymentStatus.APPROVED, approved.status());
        assertFalse(approved.offline());
    }
}
