// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.codec;

import static nl.heitje.terminal.support.Fixtures.HEIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.app.Connectivity;
import nl.heitje.terminal.app.PaymentAuthorizer;
import nl.heitje.terminal.app.PurseChains;
import nl.heitje.terminal.app.PaymentDesk;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.app.ApprovalGate;
import nl.heitje.terminal.support.Authorizations;
import nl.heitje.terminal.support.FakeChainReader;
import nl.heitje.terminal.support.FakeDenyList;
import nl.heitje.terminal.support.FakeHolderBalances;
import nl.heitje.terminal.support.Fixtures;
import nl.heitje.terminal.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * Whatever a scanner hands over, the counter answers with a decline code or (for an untouched valid code) an
 * approval, and writes a redemption only for the approval. Runs the real desk, authorizer and journal.
 */
class QrFuzzTest {
    private static final long SEED = 0x5EED_4854_4A31L;
    private static final int ATTEMPTS = 20_000;
    private static final long AMOUNT = 450;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    /** Characters a scanner might produce that base45 does not have. */
    private static final String OUTSIDERS = "abcxyz#=_,;!?\"'\\\n\r\t\u0000\u00e9\u20ac\uff21\ud83d\ude00";
    private static final ECKeyPair PAYER = Authorizations.key("fuzz-payer");

    @TempDir
    Path dir;
    private SqliteJournal journal;
    private PaymentDesk desk;

    @BeforeEach
    void openCounter() {
        MutableClock clock = new MutableClock(Fixtures.NOW);
        FakeChainReader chain = new FakeChainReader().balance(Signatures.addressOf(PAYER), 1_000_000_00);
        Connectivity connectivity = new Connectivity(chain, clock);
        connectivity.markOnline();
        journal = SqliteJournal.open(dir.resolve("journal.db"), List.of(HEIT));
        var authorizer = new PaymentAuthorizer(Fixtures.rules(),
                PurseChains.single(chain, connectivity, ApprovalGate.UNGUARDED), journal, new FakeDenyList(),
                new FakeHolderBalances(), clock);
        desk = new PaymentDesk(journal, authorizer, clock, Duration.ofHours(1));
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    @Test
    void declinesEveryDamagedCodeAndApprovesOnlyUntouchedOnes() {
        Random random = new Random(SEED);
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            originals.add(PaymentQrCodec.encode(Authorizations.builder(HEIT, PAYER).value(AMOUNT)
                    .nonce(Authorizations.nonce(random)).build()));
        }

        Map<String, Integer> approvalsByText = new HashMap<>();
        Map<DeclineCode, Integer> declines = new EnumMap<>(DeclineCode.class);
        int approvals = 0;
        List<String> attempts = new ArrayList<>(ATTEMPTS + originals.size());
        for (int i = 0; i < ATTEMPTS; i++) {
            attempts.add(mutant(random, originals.get(random.nextInt(originals.size())), i % 6));
        }
        // The untouched codes last, so any mutant that slipped through would have been approved before them.
        attempts.addAll(originals);

        for (int i = 0; i < attempts.size(); i++) {
            String text = attempts.get(i);
            Payment decided = present(i, text);
            if (decided.status() == PaymentStatus.APPROVED) {
                int attempt = i;
                assertTrue(originals.contains(text),
                        () -> "approved a damaged code at attempt " + attempt + " (seed " + SEED + "): " + text);
                approvals++;
                approvalsByText.merge(text, 1, Integer::sum);
            } else {
                int attempt = i;
                assertEquals(PaymentStatus.DECLINED, decided.status(),
                        () -> "attempt " + attempt + " (seed " + SEED + ") ended " + decided.status());
                assertNotNull(decided.declineCode(), () -> "attempt " + attempt + " (seed " + SEED + ")");
                declines.merge(decided.declineCode(), 1, Integer::sum);
            }
        }

        int approved = approvals;
        assertEquals(originals.size(), approvalsByText.size(), () -> "every untouched code pays once (seed " + SEED + ")");
        assertTrue(approvalsByText.values().stream().allMatch(n -> n == 1),
                () -> "a code was approved twice (seed " + SEED + "): " + approvalsByText);
        assertEquals(approved, journal.unsettledCount(),
                () -> "redemptions written for declined attempts (seed " + SEED + ")");
        // The mutants must reach past the decoder, or this test only proves that the decoder says no.
        for (DeclineCode deep : List.of(DeclineCode.MALFORMED, DeclineCode.TOKEN_NOT_ACCEPTED,
                DeclineCode.WRONG_MERCHANT, DeclineCode.AMOUNT_MISMATCH, DeclineCode.BAD_SIGNATURE)) {
            assertTrue(declines.getOrDefault(deep, 0) > 0, () -> "no " + deep + " among " + declines + " (seed " + SEED + ")");
        }
    }

    private Payment present(int attempt, String text) {
        try {
            PaymentDesk.Requested requested = desk.request(new Money(AMOUNT, HEIT), "fuzz-" + attempt);
            assertTrue(requested.created());
            return desk.presentQr(text).payment()
                    .orElseThrow(() -> new AssertionError("no payment was waiting"));
        } catch (RuntimeException fault) {
            fail("attempt " + attempt + " (seed " + SEED + ") threw on " + printable(text), fault);
            throw fault;
        }
    }

    private static String mutant(Random random, String original, int kind) {
        return switch (kind) {
            case 0 -> randomText(random);
            case 1 -> replaceOne(random, original);
            case 2 -> insertOne(random, original);
            case 3 -> deleteOne(random, original);
            case 4 -> PaymentQrCodec.PREFIX + Base45.encode(randomPayload(random, original));
            default -> PaymentQrCodec.PREFIX + Base45.encode(flipBits(random, original));
        };
    }

    private static String randomText(Random random) {
        int length = random.nextInt(400);
        StringBuilder text = new StringBuilder(random.nextBoolean() ? PaymentQrCodec.PREFIX : "");
        for (int i = 0; i < length; i++) {
            text.append(anyChar(random));
        }
        return text.toString();
    }

    private static String replaceOne(Random random, String original) {
        int at = random.nextInt(original.length());
        return original.substring(0, at) + anyChar(random) + original.substring(at + 1);
    }

    private static String insertOne(Random random, String original) {
        int at = random.nextInt(original.length() + 1);
        return original.substring(0, at) + anyChar(random) + original.substring(at);
    }

    private static String deleteOne(Random random, String original) {
        int at = random.nextInt(original.length());
        return original.substring(0, at) + original.substring(at + 1);
    }

    /** Random bytes: of any length near 215, with a valid header or not, or a valid payload with one field garbled. */
    private static byte[] randomPayload(Random random, String original) {
        int choice = random.nextInt(3);
        if (choice == 0) {
            byte[] bytes = new byte[200 + random.nextInt(31)];
            random.nextBytes(bytes);
            return bytes;
        }
        byte[] bytes = choice == 1 ? new byte[PaymentQrCodec.PAYLOAD_LENGTH] : payload(original);
        if (choice == 1) {
            random.nextBytes(bytes);
        } else {
            int[][] fields = {{2, 8}, {10, 20}, {30, 20}, {50, 20}, {70, 32}, {102, 8}, {110, 8}, {118, 32}, {150, 65}};
            int[] field = fields[random.nextInt(fields.length)];
            byte[] garble = new byte[field[1]];
            random.nextBytes(garble);
            System.arraycopy(garble, 0, bytes, field[0], field[1]);
        }
        bytes[0] = 0x01;
        bytes[1] = 0x01;
        return bytes;
    }

    private static byte[] flipBits(Random random, String original) {
        byte[] bytes = payload(original);
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return bytes;
    }

    private static byte[] payload(String text) {
        return Base45.decode(text.substring(PaymentQrCodec.PREFIX.length())).orElseThrow();
    }

    private static char anyChar(Random random) {
        return random.nextInt(5) == 0
                ? OUTSIDERS.charAt(random.nextInt(OUTSIDERS.length()))
                : ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04x", c)));
        return out.toString();
    }
}
