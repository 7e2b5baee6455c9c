// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One municipal deny-list as it is signed (docs/deny-list.md): who issued it, for which chain, its sequence number
 * and date, the payers it denies, and the signature over the exact text before the signature line.
 *
 * <p>The text has exactly one form for a given list, and {@link #parse} accepts only that form: a document that is
 * not byte for byte what {@link #bytes()} renders is refused, never read generously. So "the same list" and "the
 * same bytes" mean the same thing, which the rollback rule relies on.
 */
public record DenyListDocument(Address issuer, long chainId, long sequence, Instant issued, Set<Address> denied,
                               Signature signature) {
    /** The first line; the number is the format version. */
    public static final String MAGIC = "heitje-deny-list 1";
    /** A generous ceiling (about 89,000 entries) that still fits a terminal's small heap. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;


    /** Why a document is not a deny-list in the one accepted form; the message names the line. */
    public static final class Unreadable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason);
        }
    }

    public DenyListDocument {
        if (issuer == null || issued == null || denied == null || signature == null) {
            throw new IllegalArgumentException("a deny-list needs an issuer, an issue time, entries and a signature");
        }
        if (chainId < 1 || sequence < 0) {
            throw new IllegalArgumentException("chain id must be positive and sequence non-negative");
        }
        if (issued.getNano() != 0) {
            throw new IllegalArgumentException("the issue time is whole seconds, not " + issued);
        }
        denied = Set.copyOf(denied);
    }

    public boolean denies(Address payer) {
        return denied.contains(payer);
    }

    /** The signed text: every line before the signature line, each ending in a line feed. */
    public String body() {
        return body(issuer, chainId, sequence, issued, denied);
    }

    public byte[] bodyBytes() {
        return body().getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole document, signature line included: what is fetched, stored and compared. */
    public byte[] bytes() {
        return (body() + "signature " + signature.hex() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The canonical text a municipality signs: addresses in lower case, entries in ascending order, each once, the
     * issue time in whole seconds UTC. Signers build it here so they cannot produce a form the parser refuses.
     */
    public static String body(Address issuer, long chainId, long sequence, Instant issued, Collection<Address> denied) {
        StringBuilder text = new StringBuilder(160 + denied.size() * 48)
                .append(MAGIC).append('\n')
                .append("issuer ").append(issuer.hex()).append('\n')
                .append("chain ").append(chainId).append('\n')
                .append("sequence ").append(sequence).append('\n')
                .append("issued ").append(DateTimeFormatter.ISO_INSTANT.format(issued)).append('\n');
        TreeSet<String> sorted = new TreeSet<>();
        denied.forEach(address -> sorted.add(address.hex()));
        sorted.forEach(hex -> text.append("deny ").append(hex).append('\n'));
        return text.toString();
    }

    /**
     * Reads a document in its one accepted form. Says nothing about who signed it: that is the verifier's business.
     *
     * @throws Unreadable naming the first line that is out of place
     */
    public static DenyListDocument parse(byte[] document) {
        SignedText text = SignedText.read(document, MAX_BYTES, MAGIC, "a Heitje deny-list", Unreadable::new);
        if (text.size() < 6) {
            throw new Unreadable("too short: the issuer, chain, sequence, issued and signature lines are required");
        }
        Address issuer = text.address(text.field(1, "issuer"), 2);
        long chainId = text.number(text.field(2, "chain"), 3);
        long sequence = text.number(text.field(3, "sequence"), 4);
        Instant issued = text.time(text.field(4, "issued"), 5);
        if (chainId == 0) {
            throw new Unreadable("line 3: chain id 0 names no chain");
        }
        List<Address> denied = new ArrayList<>();
        int last = text.size() - 1;
        for (int i = 5; i < last; i++) {
            text.requireNotSignature(i);
            Address entry = text.address(text.field(i, "deny"), i + 1);
            if (!denied.isEmpty()) {
                int order = entry.hex().compareTo(denied.get(denied.size() - 1).hex());
                if (order == 0) {
                    throw new Unreadable("line " + (i + 1) + ": " + entry + " is listed twice");
                }
                if (order < 0) {
                    throw new Unreadable("line " + (i + 1) + ": entries must be in ascending order");
                }
            }
            denied.add(entry);
        }
        var list = new DenyListDocument(issuer, chainId, sequence, issued, Set.copyOf(denied), text.signature());
        // Every rule above aims at one form; this makes sure no second form slipped past them.
        if (!Arrays.equals(list.bytes(), document)) {
            throw new Unreadable("not in canonical form");
        }
        return list;
    }
}
