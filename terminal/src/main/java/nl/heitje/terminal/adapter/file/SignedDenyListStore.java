// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Logger;
import nl.heitje.terminal.crypto.DenyListVerifier;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.domain.DenyListFreshness;
import nl.heitje.terminal.domain.DenyListStanding;
import nl.heitje.terminal.port.DenyList;
import nl.heitje.terminal.port.DenyListInbox;

/**
 * The last verified deny-list, kept in one file in the data directory and in memory. A document replaces it only
 * when its signature recovers to the configured issuer, it names this chain, and its sequence is higher (or equal
 * with identical bytes): an older list that leaves someone out is a rollback attack, not an update.
 *
 * <p>A new list is written to a temporary file, forced to disk and renamed over the old one, so a crash at any
 * moment leaves either the old list or the new one, never a torn file. The held file is verified again at
 * start-up: a file that no longer verifies counts for nothing.
 */
public final class SignedDenyListStore implements DenyList, DenyListInbox {
    private static final Logger LOG = Logger.getLogger(SignedDenyListStore.class.getName());

    private final Path file;
    private final Path partial;
    private final Optional<DenyListVerifier> verifier;
    private final DenyListFreshness freshness;
    private final Clock clock;
    private volatile Held held;

    /** What is held: a verified list, or the reason there is none. */
    private record Held(Optional<DenyListDocument> list, DenyListStanding withoutList) {
    }

    private SignedDenyListStore(Path file, Optional<DenyListVerifier> verifier, DenyListFreshness freshness,
                                Clock clock) {
        this.file = file;
        this.partial = DurableFiles.partialOf(file);
        this.verifier = verifier;
        this.freshness = freshness;
        this.clock = clock;
    }

    /**
     * Opens the store and loads the list kept in {@code file}, if any.
     *
     * @param issuer  the municipal signer; empty when none is configured, and then no list is ever accepted
     * @param chainId the chain a list must be issued for
     * @param maxAge  how old a list may be for offline approvals
     */
    public static SignedDenyListStore open(Path file, Optional<Address> issuer, long chainId, Duration maxAge,
                                           Clock clock) {
        var store = new SignedDenyListStore(file, issuer.map(address -> new DenyListVerifier(address, chainId)),
                new DenyListFreshness(maxAge), clock);
        store.held = store.load();
        return store;
    }

    private Held load() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            // What a crash between writing and renaming leaves behind; the held file is still the previous list.
            if (Files.deleteIfExists(partial)) {
                LOG.warning("removed an unfinished deny-list write: " + partial);
            }
            if (verifier.isEmpty()) {
                return new Held(Optional.empty(), new DenyListStanding.Unverifiable(
                        "no deny-list issuer is configured (denyList.issuer), so no list can be verified"));
            }
            if (!Files.exists(file)) {
                return new Held(Optional.empty(), new DenyListStanding.Missing());
            }
            if (Files.size(file) > DenyListDocument.MAX_BYTES) {
                return unverifiable("larger than " + DenyListDocument.MAX_BYTES + " bytes");
            }
            var verification = verifier.get().verify(Files.readAllBytes(file));
            if (verification instanceof DenyListVerifier.Verification.Verified verified) {
                LOG.info("deny-list sequence " + verified.list().sequence() + " loaded from " + file);
                return new Held(Optional.of(verified.list()), new DenyListStanding.Missing());
            }
            return unverifiable(((DenyListVerifier.Verification.Unverifiable) verification).reason());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the deny-list " + file, e);
        }
    }

    private Held unverifiable(String reason) {
        LOG.warning("the deny-list kept in " + file + " does not verify and counts for nothing: " + reason);
        return new Held(Optional.empty(), new DenyListStanding.Unverifiable("the stored list " + reason));
    }

    @Override
    public Verdict check(Address payer) {
        Held now = held;
        return new Verdict(now.list().map(list -> list.denies(payer)).orElse(false), standing(now));
    }

    @Override
    public DenyListStanding standing() {
        return standing(held);
    }

    private DenyListStanding standing(Held of) {
        return of.list().map(list -> freshness.judge(list, clock.instant())).orElse(of.withoutList());
    }

    /** The verified list held right now, if any. */
    public Optional<DenyListDocument> list() {
        return held.list();
    }

    /**
     * Verifies a document and keeps it if it is newer than the held list.
     *
     * @throws UncheckedIOException when a newer list cannot be written; the previous list then stays in force
     */
    @Override
    public synchronized Acceptance offer(byte[] document) {
        if (verifier.isEmpty()) {
            return new Acceptance.Refused("no deny-list issuer is configured (denyList.issuer)");
        }
        var verification = verifier.get().verify(document);
        if (verification instanceof DenyListVerifier.Verification.Unverifiable unverifiable) {
            return new Acceptance.Refused(unverifiable.reason());
        }
        DenyListDocument offered = ((DenyListVerifier.Verification.Verified) verification).list();
        Optional<DenyListDocument> current = held.list();
        if (current.isPresent()) {
            long heldSequence = current.get().sequence();
            if (offered.sequence() < heldSequence) {
                LOG.warning("refused deny-list sequence " + offered.sequence() + ": sequence " + heldSequence
                        + " is held, and an older list is never taken back");
                return new Acceptance.Refused("sequence " + offered.sequence() + " is older than the held sequence "
                        + heldSequence + "; an older list is never taken back");
            }
            if (offered.sequence() == heldSequence) {
                return Arrays.equals(current.get().bytes(), document)
                        ? new Acceptance.AlreadyHeld(heldSequence)
                        : new Acceptance.Refused("sequence " + heldSequence
                                + " is held already with other content; a changed list needs a higher sequence");
            }
        }
        write(document);
        held = new Held(Optional.of(offered), new DenyListStanding.Missing());
        LOG.info("deny-list sequence " + offered.sequence() + " issued " + offered.issued() + " with "
                + offered.denied().size() + " entries is now in force");
        return new Acceptance.Accepted(offered.sequence());
    }

    private void write(byte[] document) {
        try {
            DurableFiles.replace(file, document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the new deny-list in " + file
                    + "; the previous list stays in force", e);
        }
    }
}
