package nl.heitje.terminal.adapter.file;

import java.time.Clock;
import java.util.logging.Logger;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.port.DenyList;

/**
 * A bridge for one release: {@code Terminal} still builds {@code new FileDenyList(config.storage().denyList())},
 * and this keeps that line compiling while it runs on the signed list. It opens the {@link SignedDenyListStore}
 * from the settings (on the system clock) and does not sync. Delete it once the composition root builds the store
 * and {@code DenyListSync} itself. The old unsigned one-address-per-line format is gone: a file in that format
 * does not verify and counts for nothing.
 */
public final class FileDenyList implements DenyList {
    private static final Logger LOG = Logger.getLogger(FileDenyList.class.getName());

    private final SignedDenyListStore store;

    public FileDenyList(TerminalConfig.DenyListSettings settings) {
        this.store = SignedDenyListStore.open(settings.file(), settings.issuer().map(Address::parse),
                settings.chainId(), settings.maxAge(), Clock.systemUTC());
        settings.url().ifPresent(url -> LOG.warning("denyList.url " + url
                + " is not fetched yet: the terminal does not run DenyListSync; lists arrive by provisioning only"));
    }

    @Override
    public Verdict check(Address payer) {
        return store.check(payer);
    }

    @Override
    public DenyListStanding standing() {
        return store.standing();
    }
}
