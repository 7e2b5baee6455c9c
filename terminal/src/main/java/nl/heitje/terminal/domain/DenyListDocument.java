// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

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

    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,18}");
    private static final Pattern TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
    private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-f]{130}");

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
        if (document.length > MAX_BYTES) {
            throw new Unreadable("larger than " + MAX_BYTES + " bytes");
        }
        for (int i = 0; i < document.length; i++) {
            int b = document[i] & 0xFF;
            if (b != '\n' && (b < 0x20 || b > 0x7E)) {
                throw new Unreadable(String.format("byte %d is 0x%02x: only printable ASCII and line feeds are allowed",
                        i, b));
            }
        }
        String text = new String(document, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new Unreadable("the last line does not end in a line feed");
        }
        List<String> lines = List.of(text.substring(0, text.length() - 1).split("\n", -1));
        if (!lines.get(0).equals(MAGIC)) {
            throw new Unreadable(lines.get(0).startsWith("heitje-deny-list ")
                    ? "line 1: unsupported version \"" + clip(lines.get(0)) + "\"; this terminal reads \"" + MAGIC + "\""
                    : "line 1: not a Heitje deny-list");
        }
        if (lines.size() < 6) {
            throw new Unreadable("too short: the issuer, chain, sequence, issued and signature lines are required");
        }
        Address issuer = address(field(lines, 1, "issuer"), 2);
        long chainId = number(field(lines, 2, "chain"), 3);
        long sequence = number(field(lines, 3, "sequence"), 4);
        Instant issued = time(field(lines, 4, "issued"), 5);
        if (chainId == 0) {
            throw new Unreadable("line 3: chain id 0 names no chain");
        }
        List<Address> denied = new ArrayList<>();
        int last = lines.size() - 1;
        for (int i = 5; i < last; i++) {
            String line = lines.get(i);
            if (line.startsWith("signature ")) {
                throw new Unreadable("line " + (i + 1) + ": nothing may follow the signature line");
            }
            Address entry = address(field(lines, i, "deny"), i + 1);
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
        String signatureHex = field(lines, last, "signature");
        if (!SIGNATURE.matcher(signatureHex).matches()) {
            throw new Unreadable("line " + (last + 1) + ": a signature is 0x and 130 lower-case hex digits");
        }
        var list = new DenyListDocument(issuer, chainId, sequence, issued, Set.copyOf(denied),
                Signature.of(Hex.decode(signatureHex)));
        // Every rule above aims at one form; this makes sure no second form slipped past them.
        if (!Arrays.equals(list.bytes(), document)) {
            throw new Unreadable("not in canonical form");
        }
        return list;
    }

    private static String field(List<String> lines, int index, String keyword) {
        String line = lines.get(index);
        String prefix = keyword + " ";
        if (!line.startsWith(prefix)) {
            String found = line.isEmpty() ? "an empty line" : "\"" + clip(line) + "\"";
            throw new Unreadable("line " + (index + 1) + ": expected \"" + keyword + " ...\", found " + found);
        }
        return line.substring(prefix.length());
    }

    private static Address address(String text, int line) {
        if (!ADDRESS.matcher(text).matches()) {
            throw new Unreadable("line " + line + ": an address is 0x and 40 lower-case hex digits, not \""
                    + clip(text) + "\"");
        }
        return new Address(text);
    }

    private static long number(String text, int line) {
        if (!NUMBER.matcher(text).matches()) {
            throw new Unreadable("line " + line + ": a number is decimal digits without leading zeros, not \""
                    + clip(text) + "\"");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            throw new Unreadable("line " + line + ": " + clip(text) + " is too large");
        }
    }

    private static Instant time(String text, int line) {
        if (!TIME.matcher(text).matches()) {
            throw new Unreadable("line " + line + ": the issue time is written like 2026-11-28T10:00:00Z, not \""
                    + clip(text) + "\"");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new Unreadable("line " + line + ": " + clip(text) + " is not a moment in time");
        }
    }

    private static String clip(String text) {
        return text.length() <= 48 ? text : text.substring(0, 45) + "...";
    }
}
