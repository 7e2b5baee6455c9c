// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.port.DenyList;

/** The municipality's deny-list, held in memory; fresh unless a test says otherwise. */
public final class FakeDenyList implements DenyList {
    private final Set<Address> denied = ConcurrentHashMap.newKeySet();
    private volatile DenyListStanding standing = new DenyListStanding.Fresh(1, Fixtures.NOW, Duration.ZERO);

    public void deny(Address payer) {
        denied.add(payer);
    }

    public void standing(DenyListStanding standing) {
        this.standing = standing;
    }

    @Override
    public Verdict check(Address payer) {
        return new Verdict(denied.contains(payer), standing);
    }

    @Override
    public DenyListStanding standing() {
        return standing;
    }
}
