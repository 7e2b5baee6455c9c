package nl.heitje.terminal.port;

import nl.heitje.terminal.domain.Address;

/** The municipality's list of payers whose authorizations must be declined (lost cards, fraud). */
public interface DenyList {
    boolean denies(Address payer);
}
