package nl.heitje.terminal.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.port.DenyList;

/** The municipality's deny-list, held in memory. */
public final class FakeDenyList implements DenyList {
    private final Set<Address> denied = ConcurrentHashMap.newKeySet();

    public void deny(Address payer) {
        denied.add(payer);
    }

    @Override
    public boolean denies(Address payer) {
        return denied.contains(payer);
    }
}
