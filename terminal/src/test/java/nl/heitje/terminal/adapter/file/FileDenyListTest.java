package nl.heitje.terminal.adapter.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDenyListTest {
    private static final Address LOST_CARD = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final Address FRAUD = Address.parse("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    @TempDir
    Path dir;

    @Test
    void readsOneAddressPerLineInAnyCaseWithComments() throws Exception {
        Path file = dir.resolve("deny-list.txt");
        Files.writeString(file, "# municipality deny-list\n\n0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc  # lost card\n");
        var denyList = new FileDenyList(Optional.of(file));
        assertTrue(denyList.denies(LOST_CARD));
        assertFalse(denyList.denies(FRAUD));
    }

    @Test
    void takesAnUpdatedListWithoutARestart() throws Exception {
        Path file = dir.resolve("deny-list.txt");
        var denyList = new FileDenyList(Optional.of(file));
        assertFalse(denyList.denies(FRAUD), "no file yet: nobody is denied");

        Files.writeString(file, FRAUD.hex() + "\n");
        assertTrue(denyList.denies(FRAUD));

        Files.writeString(file, LOST_CARD.hex() + "\n");
        // File systems with coarse timestamps could hide the edit; the list reloads on any change of mtime.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertFalse(denyList.denies(FRAUD));
        assertTrue(denyList.denies(LOST_CARD));
    }

    @Test
    void aTerminalWithoutADenyListDeniesNobody() {
        assertFalse(new FileDenyList(Optional.empty()).denies(FRAUD));
    }
}
