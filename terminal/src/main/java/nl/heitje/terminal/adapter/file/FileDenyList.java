package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.port.DenyList;

/**
 * The municipality's deny-list as a text file, one address per line ({@code #} starts a comment). It is re-read
 * when its modification time changes, so an updated list takes effect without a restart.
 */
public final class FileDenyList implements DenyList {
    private final Optional<Path> file;
    private volatile Snapshot snapshot = new Snapshot(FileTime.fromMillis(0), Set.of());

    private record Snapshot(FileTime modified, Set<Address> denied) {
    }

    /** @param file empty for a terminal without a deny-list */
    public FileDenyList(Optional<Path> file) {
        this.file = file;
        refresh();
    }

    @Override
    public boolean denies(Address payer) {
        refresh();
        return snapshot.denied().contains(payer);
    }

    private void refresh() {
        if (file.isEmpty() || !Files.exists(file.get())) {
            return;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file.get());
            if (modified.equals(snapshot.modified())) {
                return;
            }
            Set<Address> denied;
            try (var lines = Files.lines(file.get())) {
                denied = lines.map(line -> line.replaceFirst("#.*", "").trim())
                        .filter(line -> !line.isEmpty())
                        .map(Address::parse)
                        .collect(Collectors.toUnmodifiableSet());
            }
            snapshot = new Snapshot(modified, denied);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read deny-list " + file.get(), e);
        }
    }
}
