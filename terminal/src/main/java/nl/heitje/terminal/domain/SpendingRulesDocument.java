// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One purse issuer's spending rules as they are signed (docs/spending-rules.md): who issued them, for which token on
 * which chain, their sequence number and date, the merchant categories, merchants and product categories the purse
 * is limited to, and the signature over the exact text before the signature line.
 *
 * <p>Like the deny-list, the text has exactly one form for given rules, and {@link #parse} accepts only that form:
 * a document that is not byte for byte what {@link #bytes()} renders is refused, never read generously. So "the
 * same rules" and "the same bytes" mean the same thing, which the rollback rule relies on.
 *
 * <p>A rule is written as its lines; a rule without lines is no rule. So a rule that is present but empty (spend
 * at no merchant, pay for nothing) has no written form, and such rules are refused here rather than silently
 * signed as "no limit".
 */
public record SpendingRulesDocument(Address issuer, long chainId, Address token, long sequence, Instant issued,
                                    SpendingRules rules, Signature signature) {
    /** The first line; the number is the format version. */
    public static final String MAGIC = "heitje-spending-rules 1";
    /** Room for about 20,000 listed merchants, while a terminal holding several purses' rules stays small. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** The rule lines, in the order they must come. */
    private static final List<String> RULE_KEYWORDS = List.of("merchant-category", "merchant", "product-category");

    /** Why a document is not spending rules in the one accepted form; the message names the line. */
    public static final class Unreadable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason);
        }
    }

    public SpendingRulesDocument {
        if (issuer == null || token == null || issued == null || rules == null || signature == null) {
            throw new IllegalArgumentException(
                    "spending rules need an issuer, a token, an issue time, rules and a signature");
        }
        requireWritable(chainId, sequence, issued, rules);
    }

    /** The signed text: every line before the signature line, each ending in a line feed. */
    public String body() {
        return body(issuer, chainId, token, sequence, issued, rules);
    }

    public byte[] bodyBytes() {
        return body().getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole document, signature line included: what is fetched, stored and compared. */
    public byte[] bytes() {
        return (body() + "signature " + signature.hex() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The canonical text an issuer signs: addresses in lower case, the entries of each rule in ascending order, each
     * once, the issue time in whole seconds UTC. Signers build it here so they cannot produce a form the parser
     * refuses.
     *
     * @throws IllegalArgumentException for rules that have no written form (a present but empty rule)
     */
    public static String body(Address issuer, long chainId, Address token, long sequence, Instant issued,
                              SpendingRules rules) {
        requireWritable(chainId, sequence, issued, rules);
        StringBuilder text = new StringBuilder(256)
                .append(MAGIC).append('\n')
                .append("issuer ").append(issuer.hex()).append('\n')
                .append("chain ").append(chainId).append('\n')
                .append("token ").append(token.hex()).append('\n')
                .append("sequence ").append(sequence).append('\n')
                .append("issued ").append(DateTimeFormatter.ISO_INSTANT.format(issued)).append('\n');
        lines(text, "merchant-category", rules.merchantCategories().orElse(Set.of()));
        lines(text, "merchant", rules.merchants().orElse(Set.<Address>of()).stream().map(Address::hex).toList());
        lines(text, "product-category", rules.productCategories().orElse(Set.of()));
        return text.toString();
    }

    private static void lines(StringBuilder text, String keyword, Collection<String> values) {
        new TreeSet<>(values).forEach(value -> text.append(keyword).append(' ').append(value).append('\n'));
    }

    private static void requireWritable(long chainId, long sequence, Instant issued, SpendingRules rules) {
        if (chainId < 1 || sequence < 0) {
            throw new IllegalArgumentException("chain id must be positive and sequence non-negative");
        }
        if (issued.getNano() != 0) {
            throw new IllegalArgumentException("the issue time is whole seconds, not " + issued);
        }
        if (rules.merchants().map(Set::isEmpty).orElse(false)
                || rules.merchantCategories().map(Set::isEmpty).orElse(false)
                || rules.productCategories().map(Set::isEmpty).orElse(false)) {
            throw new IllegalArgumentException("an empty rule has no written form: leave the rule out for no limit");
        }
    }

    /**
     * Reads a document in its one accepted form. Says nothing about who signed it, nor for which purse: that is the
     * verifier's business.
     *
     * @throws Unreadable naming the first line that is out of place
     */
    public static SpendingRulesDocument parse(byte[] document) {
        SignedText text = SignedText.read(document, MAX_BYTES, MAGIC, "Heitje spending rules", Unreadable::new);
        if (text.size() < 7) {
            throw new Unreadable(
                    "too short: the issuer, chain, token, sequence, issued and signature lines are required");
        }
        Address issuer = text.address(text.field(1, "issuer"), 2);
        long chainId = text.number(text.field(2, "chain"), 3);
        Address token = text.address(text.field(3, "token"), 4);
        long sequence = text.number(text.field(4, "sequence"), 5);
        Instant issued = text.time(text.field(5, "issued"), 6);
        if (chainId == 0) {
            throw new Unreadable("line 3: chain id 0 names no chain");
        }
        List<List<String>> entries = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int section = 0;
        int last = text.size() - 1;
        for (int i = 6; i < last; i++) {
            text.requireNotSignature(i);
            String line = text.line(i);
            int lineNumber = i + 1;
            int kind = ruleKind(line);
            if (kind < 0) {
                String found = line.isEmpty() ? "an empty line" : "\"" + SignedText.clip(line) + "\"";
                throw new Unreadable("line " + lineNumber + ": expected \"merchant-category ...\", \"merchant ...\","
                        + " \"product-category ...\" or the signature, found " + found);
            }
            if (kind < section) {
                throw new Unreadable("line " + lineNumber + ": " + RULE_KEYWORDS.get(kind) + " lines must come before "
                        + RULE_KEYWORDS.get(section) + " lines");
            }
            section = kind;
            String value = line.substring(RULE_KEYWORDS.get(kind).length() + 1);
            if (kind == 1) {
                text.address(value, lineNumber);
            } else if (!Basket.isCategory(value)) {
                throw new Unreadable("line " + lineNumber + ": a category is 1 to 32 of a-z, 0-9 and '-', starting"
                        + " with a letter or digit, not \"" + SignedText.clip(value) + "\"");
            }
            List<String> values = entries.get(kind);
            if (!values.isEmpty()) {
                int order = value.compareTo(values.get(values.size() - 1));
                if (order == 0) {
                    throw new Unreadable("line " + lineNumber + ": " + value + " is listed twice");
                }
                if (order < 0) {
                    throw new Unreadable("line " + lineNumber + ": " + RULE_KEYWORDS.get(kind)
                            + " entries must be in ascending order");
                }
            }
            values.add(value);
        }
        var rules = new SpendingRules(
                rule(entries.get(1)).map(hexes -> Set.copyOf(hexes.stream().map(Address::new).toList())),
                rule(entries.get(0)).map(Set::copyOf),
                rule(entries.get(2)).map(Set::copyOf));
        var parsed = new SpendingRulesDocument(issuer, chainId, token, sequence, issued, rules, text.signature());
        // Every rule above aims at one form; this makes sure no second form slipped past them.
        if (!Arrays.equals(parsed.bytes(), document)) {
            throw new Unreadable("not in canonical form");
        }
        return parsed;
    }

    private static int ruleKind(String line) {
        for (int kind = 0; kind < RULE_KEYWORDS.size(); kind++) {
            if (line.startsWith(RULE_KEYWORDS.get(kind) + " ")) {
                return kind;
            }
        }
        return -1;
    }

    private static Optional<List<String>> rule(List<String> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(values);
    }
}
