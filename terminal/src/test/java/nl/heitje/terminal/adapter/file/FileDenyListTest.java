package nl.heitje.terminal.adapter.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.support.DenyLists;
import nl.heitje.terminal.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge the composition root still builds: it must run on the signed list, never on the old file format. */
class FileDenyListTest {
    private static final Address LOST_CARD = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    @TempDir
    Path dir;

    private TerminalConfig.DenyListSettings settings(Optional<String> issuer) {
        return new TerminalConfig.DenyListSettings(dir.resolve(TerminalConfig.DENY_LIST_FILE), Fixtures.HEIT.chainId(),
                issuer, Optional.empty(), Duration.ofHours(48), Duration.ofMinutes(15));
    }

    @Test
    void runsOnTheSignedListKeptInTheDataDirectory() throws Exception {
        Instant issued = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Files.write(dir.resolve(TerminalConfig.DENY_LIST_FILE), DenyLists.signed(2, issued, LOST_CARD));

        var denyList = new FileDenyList(settings(Optional.of(DenyLists.ISSUER.hex())));

        assertTrue(denyList.denies(LOST_CARD));
        assertTrue(denyList.standing().allowsOfflineApprovals());
    }

    @Test
    void theOldUnsignedFormatDeniesNobodyAndAllowsNoOfflineApprovals() throws Exception {
        Files.writeString(dir.resolve(TerminalConfig.DENY_LIST_FILE), LOST_CARD.hex() + "  # lost card\n");

        var denyList = new FileDenyList(settings(Optional.of(DenyLists.ISSUER.hex())));

        assertFalse(denyList.denies(LOST_CARD));
        assertInstanceOf(DenyListStanding.Unverifiable.class, denyList.standing());
    }

    @Test
    void withoutAnIssuerOfflineApprovalsAreRefused() {
        var standing = new FileDenyList(settings(Optional.empty())).standing();

        assertEquals("UNVERIFIABLE", standing.kind());
        assertFalse(standing.allowsOfflineApprovals());
    }
}
