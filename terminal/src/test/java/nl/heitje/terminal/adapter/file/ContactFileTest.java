// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import nl.heitje.terminal.port.ContactLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactFileTest {
    @TempDir
    Path dir;

    @Test
    void aRecordedContactIsReadBackByTheNextRun() {
        Path file = dir.resolve("state/chain-contact");
        ContactLog.Contact contact = new ContactLog.Contact(Instant.parse("2026-03-10T09:00:01.123456789Z"), 4711);
        new ContactFile(file).record(contact);

        assertEquals(Optional.of(contact), new ContactFile(file).last());
        assertFalse(Files.exists(dir.resolve("state/chain-contact.partial")), "written aside, then renamed");
    }

    @Test
    void aNewerContactReplacesTheOlder() {
        ContactFile log = new ContactFile(dir.resolve("chain-contact"));
        log.record(new ContactLog.Contact(Instant.parse("2026-03-10T09:00:00Z"), 1));
        ContactLog.Contact newer = new ContactLog.Contact(Instant.parse("2026-03-10T09:05:00Z"), 60);
        log.record(newer);

        assertEquals(Optional.of(newer), log.last());
    }

    @Test
    void noFileAndAnUnreadableFileBothCountAsNoContact() throws Exception {
        Path file = dir.resolve("chain-contact");
        assertEquals(Optional.empty(), new ContactFile(file).last());

        Files.writeString(file, "at=yesterday\nblock=many\n");
        assertEquals(Optional.empty(), new ContactFile(file).last(), "unreadable: refuse offline, the safe way");
    }

    @Test
    void anUnfinishedWriteIsIgnoredAndCleanedUp() throws Exception {
        Path file = dir.resolve("chain-contact");
        ContactLog.Contact contact = new ContactLog.Contact(Instant.parse("2026-03-10T09:00:00Z"), 7);
        new ContactFile(file).record(contact);
        Files.writeString(dir.resolve("chain-contact.partial"), "at=2026-03-1");

        assertEquals(Optional.of(contact), new ContactFile(file).last());
        assertFalse(Files.exists(dir.resolve("chain-contact.partial")));
    }

    @Test
    void aManagersAcknowledgementIsTheBrokenRedemptionsNumber() throws Exception {
        Path file = dir.resolve("journal-break.ack");
        AcknowledgementFile acknowledgements = new AcknowledgementFile(file);
        assertEquals(OptionalLong.empty(), acknowledgements.journalBreak());

        Files.writeString(file, "42\n");
        assertEquals(OptionalLong.of(42), acknowledgements.journalBreak());
        Files.writeString(file, "yes, fine\n");
        assertEquals(OptionalLong.empty(), acknowledgements.journalBreak());
        assertTrue(acknowledgements.howToAcknowledgeJournalBreak(42).contains("42 into " + file));
    }
}
