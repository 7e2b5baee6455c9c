// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one strict reading of the signed documents a terminal keeps (the deny-list, a purse's spending rules): printable
 * ASCII lines ending in a line feed, a magic first line, then {@code keyword value} lines and a signature line. Each
 * refusal names the line, in the document's own exception type.
 */
final class SignedText {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");
    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,18}");
    private static final Pattern TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
    private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-f]{130}");

    private final List<String> lines;
    private final Function<String, ? extends IllegalArgumentException> unreadable;

    private SignedText(List<String> lines, Function<String, ? extends IllegalArgumentException> unreadable) {
        this.lines = lines;
        this.unreadable = unreadable;
    }

    /**
     * @param magic      the exact first line, e.g. {@code heitje-deny-list 1}
     * @param kind       what the document is, for the refusal of one that is not such a document at all
     * @param unreadable the document's own exception for a refusal
     */
    static SignedText read(byte[] document, int maxBytes, String magic, String kind,
                           Function<String, ? extends IllegalArgumentException> unreadable) {
        if (document.length > maxBytes) {
            throw unreadable.apply("larger than " + maxBytes + " bytes");
        }
        for (int i = 0; i < document.length; i++) {
            int b = document[i] & 0xFF;
            if (b != '\n' && (b < 0x20 || b > 0x7E)) {
                throw unreadable.apply(String.format(
                        "byte %d is 0x%02x: only printable ASCII and line feeds are allowed", i, b));
            }
        }
        String text = new String(document, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw unreadable.apply("the last line does not end in a line feed");
        }
        List<String> lines = List.of(text.substring(0, text.length() - 1).split("\n", -1));
        String format = magic.substring(0, magic.lastIndexOf(' ') + 1);
        if (!lines.get(0).equals(magic)) {
            throw unreadable.apply(lines.get(0).startsWith(format)
                    ? "line 1: unsupported version \"" + clip(lines.get(0)) + "\"; this terminal reads \"" + magic + "\""
                    : "line 1: not " + kind);
        }
        return new SignedText(lines, unreadable);
    }

    int size() {
        return lines.size();
    }

    String line(int index) {
        return lines.get(index);
    }

    IllegalArgumentException refuse(String reason) {
        return unreadable.apply(reason);
    }

    /** The value of the line at {@code index}, which must start with the keyword. */
    String field(int index, String keyword) {
        String line = lines.get(index);
        String prefix = keyword + " ";
        if (!line.startsWith(prefix)) {
            String found = line.isEmpty() ? "an empty line" : "\"" + clip(line) + "\"";
            throw refuse("line " + (index + 1) + ": expected \"" + keyword + " ...\", found " + found);
        }
        return line.substring(prefix.length());
    }

    Address address(String text, int line) {
        if (!ADDRESS.matcher(text).matches()) {
            throw refuse("line " + line + ": an address is 0x and 40 lower-case hex digits, not \"" + clip(text)
                    + "\"");
        }
        return new Address(text);
    }

    long number(String text, int line) {
        if (!NUMBER.matcher(text).matches()) {
            throw refuse("line " + line + ": a number is decimal digits without leading zeros, not \"" + clip(text)
                    + "\"");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            throw refuse("line " + line + ": " + clip(text) + " is too large");
        }
    }

    Instant time(String text, int line) {
        if (!TIME.matcher(text).matches()) {
            throw refuse("line " + line + ": the issue time is written like 2026-11-28T10:00:00Z, not \""
                    + clip(text) + "\"");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw refuse("line " + line + ": " + clip(text) + " is not a moment in time");
        }
    }

    /** The last line's signature. */
    Signature signature() {
        int last = lines.size() - 1;
        String hex = field(last, "signature");
        if (!SIGNATURE.matcher(hex).matches()) {
            throw refuse("line " + (last + 1) + ": a signature is 0x and 130 lower-case hex digits");
        }
        return Signature.of(Hex.decode(hex));
    }

    /** A line that is not the signature, which must come last. */
    void requireNotSignature(int index) {
        if (lines.get(index).startsWith("signature ")) {
            throw refuse("line " + (index + 1) + ": nothing may follow the signature line");
        }
    }

    static String clip(String text) {
        return text.length() <= 48 ? text : text.substring(0, 45) + "...";
    }
}
