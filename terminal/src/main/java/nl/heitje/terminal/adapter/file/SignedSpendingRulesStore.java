// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import nl.heitje.terminal.crypto.SpendingRulesVerifier;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.RulesStanding;
import nl.heitje.terminal.domain.SpendingRules;
import nl.heitje.terminal.domain.SpendingRulesDocument;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.port.SignedDocumentInbox;
import nl.heitje.terminal.port.SpendingRulesBook;

/**
 * The last verified spending rules of every purse, each kept in its own file in the data directory
 * ({@code spending-rules-<SYMBOL>.signed}) and in memory. A document replaces a purse's rules only when its signature
 * recovers to the purse's configured issuer, it names the purse's chain and token, and its sequence is higher (or
 * equal with identical bytes): older rules that an issuer has since widened or narrowed are a rollback, not an update.
 *
 * <p>New rules are written to a temporary file, forced to disk and renamed over the old one, so a crash at any moment
 * leaves either the old rules or the new, never a torn file. The held files are verified again at start-up: a file
 * that no longer verifies counts for nothing, and its purse's rules are unknown until good ones arrive.
 */
public final class SignedSpendingRulesStore implements SpendingRulesBook {
    private static final Logger LOG = Logger.getLogger(SignedSpendingRulesStore.class.getName());
    /** Symbols become file names; the config allows letters and digits only, and this keeps it so. */
    private static final Pattern FILE_SAFE_SYMBOL = Pattern.compile("[A-Za-z0-9]{1,32}");

    private final Map<Token, Shelf> shelves;
    private final Clock clock;

    /**
     * One purse as configured.
     *
     * @param issuer the signer of its spending rules ({@code token.X.issuer}); empty when the purse has no rules
     */
    public record Purse(Token token, Optional<Address> issuer) {
        public Purse {
            if (token == null || issuer == null) {
                throw new IllegalArgumentException("a purse needs a token and an issuer, or an explicitly empty one");
            }
        }
    }

    /**
     * What a health report shows of one purse's rules.
     *
     * @param sequence the held document's sequence, empty when none is held
     * @param issued   when the held document was signed
     * @param age      how long ago that was by this terminal's clock (negative when it is dated ahead)
     */
    public record Health(Token purse, Optional<Address> issuer, RulesStanding standing, Optional<Long> sequence,
                         Optional<Instant> issued, Optional<Duration> age) {
    }

    private SignedSpendingRulesStore(Map<Token, Shelf> shelves, Clock clock) {
        this.shelves = shelves;
        this.clock = clock;
    }

    /**
     * Opens the store and loads every purse's kept rules, if any.
     *
     * @param dataDirectory where the files are kept, next to the journal
     * @param purses        every purse this terminal takes, each once
     * @throws IllegalArgumentException for a purse listed twice or a symbol that cannot name a file
     * @throws UncheckedIOException     when the directory or a kept file cannot be read
     */
    public static SignedSpendingRulesStore open(Path dataDirectory, List<Purse> purses, Clock clock) {
        Map<Token, Shelf> shelves = new LinkedHashMap<>();
        for (Purse purse : purses) {
            String symbol = purse.token().symbol();
            if (!FILE_SAFE_SYMBOL.matcher(symbol).matches()) {
                throw new IllegalArgumentException("purse symbol \"" + symbol + "\" cannot name a file");
            }
            boolean clash = shelves.keySet().stream().anyMatch(held -> held.symbol().equalsIgnoreCase(symbol));
            if (clash) {
                throw new IllegalArgumentException("purse " + symbol + " is listed twice");
            }
            var shelf = new Shelf(purse, dataDirectory.resolve(fileName(purse.token())));
            shelf.held = shelf.load();
            shelves.put(purse.token(), shelf);
        }
        return new SignedSpendingRulesStore(Collections.unmodifiableMap(shelves), clock);
    }

    /** The file a purse's rules are kept in, inside the data directory. */
    public static String fileName(Token purse) {
        return "spending-rules-" + purse.symbol() + ".signed";
    }

    @Override
    public RulesStanding standing(Token purse) {
        Shelf shelf = shelves.get(purse);
        if (shelf == null) {
            return new RulesStanding.Unknown(purse.symbol() + " is not one of this terminal's purses");
        }
        return shelf.held.standing();
    }

    @Override
    public SignedDocumentInbox inbox(Token purse) {
        Shelf shelf = shelves.get(purse);
        if (shelf == null) {
            throw new IllegalArgumentException(purse.symbol() + " is not one of this terminal's purses");
        }
        return shelf;
    }

    /** The verified document held for a purse right now, if any. */
    public Optional<SpendingRulesDocument> document(Token purse) {
        return Optional.ofNullable(shelves.get(purse)).flatMap(shelf -> shelf.held.document());
    }

    /** Every purse's rules as they stand now, in the order the purses were configured. */
    public List<Health> health() {
        Instant now = clock.instant();
        return shelves.values().stream()
                .map(shelf -> {
                    Held held = shelf.held;
                    return new Health(shelf.purse.token(), shelf.purse.issuer(), held.standing(),
                            held.document().map(SpendingRulesDocument::sequence),
                            held.document().map(SpendingRulesDocument::issued),
                            held.document().map(d -> Duration.between(d.issued(), now)));
                })
                .toList();
    }

    /** What is held for one purse: a verified document, or where the rules stand without one. */
    private record Held(Optional<SpendingRulesDocument> document, RulesStanding withoutDocument) {
        RulesStanding standing() {
            return document.<RulesStanding>map(d -> new RulesStanding.InForce(d.rules())).orElse(withoutDocument);
        }
    }

    /** One purse's file, verifier and held rules; its inbox. */
    private static final class Shelf implements SignedDocumentInbox {
        private final Purse purse;
        private final Path file;
        private final Path partial;
        private final Optional<SpendingRulesVerifier> verifier;
        private volatile Held held;

        Shelf(Purse purse, Path file) {
            this.purse = purse;
            this.file = file;
            this.partial = DurableFiles.partialOf(file);
            this.verifier = purse.issuer().map(issuer -> new SpendingRulesVerifier(issuer, purse.token()));
        }

        private String symbol() {
            return purse.token().symbol();
        }

        private RulesStanding.Unknown notYet(String why) {
            return new RulesStanding.Unknown("no verified rules from " + purse.issuer().orElseThrow() + " yet" + why);
        }

        Held load() {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                // What a crash between writing and renaming leaves behind; the held file is still the previous rules.
                if (Files.deleteIfExists(partial)) {
                    LOG.warning("removed an unfinished spending-rules write: " + partial);
                }
                if (verifier.isEmpty()) {
                    return new Held(Optional.empty(), new RulesStanding.InForce(SpendingRules.NONE));
                }
                if (!Files.exists(file)) {
                    return new Held(Optional.empty(), notYet(""));
                }
                if (Files.size(file) > SpendingRulesDocument.MAX_BYTES) {
                    return unverifiable("is larger than " + SpendingRulesDocument.MAX_BYTES + " bytes");
                }
                var verification = verifier.get().verify(Files.readAllBytes(file));
                if (verification instanceof SpendingRulesVerifier.Verification.Verified verified) {
                    LOG.info(symbol() + " spending rules sequence " + verified.document().sequence() + " loaded from "
                            + file);
                    return new Held(Optional.of(verified.document()), notYet(""));
                }
                return unverifiable(((SpendingRulesVerifier.Verification.Unverifiable) verification).reason());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the spending rules " + file, e);
            }
        }

        private Held unverifiable(String reason) {
            LOG.warning("the " + symbol() + " spending rules kept in " + file + " do not verify and count for nothing: "
                    + reason);
            return new Held(Optional.empty(), notYet(": the stored rules " + reason));
        }

        /**
         * Verifies a document and keeps it if it is newer than the held rules.
         *
         * @throws UncheckedIOException when newer rules cannot be written; the previous rules then stay in force
         */
        @Override
        public synchronized Acceptance offer(byte[] document) {
            if (verifier.isEmpty()) {
                return new Acceptance.Refused("no issuer is configured for " + symbol() + " (token." + symbol()
                        + ".issuer), so its rules cannot be verified");
            }
            var verification = verifier.get().verify(document);
            if (verification instanceof SpendingRulesVerifier.Verification.Unverifiable unverifiable) {
                return new Acceptance.Refused(unverifiable.reason());
            }
            SpendingRulesDocument offered = ((SpendingRulesVerifier.Verification.Verified) verification).document();
            Optional<SpendingRulesDocument> current = held.document();
            if (current.isPresent()) {
                long heldSequence = current.get().sequence();
                if (offered.sequence() < heldSequence) {
                    LOG.warning("refused " + symbol() + " spending rules sequence " + offered.sequence()
                            + ": sequence " + heldSequence + " is held, and older rules are never taken back");
                    return new Acceptance.Refused("sequence " + offered.sequence() + " is older than the held sequence "
                            + heldSequence + "; older rules are never taken back");
                }
                if (offered.sequence() == heldSequence) {
                    return Arrays.equals(current.get().bytes(), document)
                            ? new Acceptance.AlreadyHeld(heldSequence)
                            : new Acceptance.Refused("sequence " + heldSequence
                                    + " is held already with other content; changed rules need a higher sequence");
                }
            }
            write(document);
            held = new Held(Optional.of(offered), notYet(""));
            LOG.info(symbol() + " spending rules sequence " + offered.sequence() + " issued " + offered.issued()
                    + " are now in force");
            return new Acceptance.Accepted(offered.sequence());
        }

        private void write(byte[] document) {
            try {
                DurableFiles.replace(file, document);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the new " + symbol() + " spending rules in " + file
                        + "; the previous rules stay in force", e);
            }
        }
    }
}
