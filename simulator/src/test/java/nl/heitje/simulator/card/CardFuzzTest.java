// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import nl.heitje.terminal.adapter.smartcardio.ApduSigningCard;
import nl.heitje.terminal.codec.CardApdus;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.port.SigningCard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hostile cards: whatever a card answers, the terminal gets a valid outcome or a card decline, nothing else. */
class CardFuzzTest {
    private static final Set<DeclineCode> CARD_DECLINES = EnumSet.of(DeclineCode.CARD_ERROR,
            DeclineCode.CARD_REMOVED, DeclineCode.CARD_BLOCKED, DeclineCode.CARD_UNSUPPORTED,
            DeclineCode.TOKEN_NOT_ACCEPTED);
    private final CardKit kit = new CardKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    @Test
    void seededRandomAnswersNeverEscapeAsAnythingButACardDecline() throws Exception {
        Random random = new Random(20260310L);
        Map<DeclineCode, Integer> declines = new EnumMap<>(DeclineCode.class);
        int signatures = 0;
        for (int exchange = 0; exchange < 3000; exchange++) {
            int removeAfter = random.nextInt(8) == 0 ? random.nextInt(5) : -1;
            ApduSigningCard card = kit.tap(new HostileApplet(new Random(random.nextLong())), removeAfter,
                    Duration.ofSeconds(3));
            try {
                CardInfo info = card.select();
                assertEquals(1, info.version());
                SigningCard.SignOutcome outcome = card.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 700));
                if (outcome instanceof SigningCard.PinRequired) {
                    SigningCard.PinOutcome pin = card.verifyPin(CardKit.PIN);
                    if (pin instanceof SigningCard.WrongPin) {
                        int tries = ((SigningCard.WrongPin) pin).triesLeft();
                        assertTrue(tries >= 0 && tries <= 15);
                        continue;
                    }
                    outcome = card.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 700));
                }
                if (outcome instanceof SigningCard.Signed) {
                    int v = ((SigningCard.Signed) outcome).signature().v();
                    assertTrue(v == 27 || v == 28);
                    signatures++;
                }
            } catch (SigningCard.CardRefusedException refused) {
                assertTrue(CARD_DECLINES.contains(refused.code()), refused.getMessage());
                declines.merge(refused.code(), 1, Integer::sum);
            } catch (Throwable escaped) {
                fail("exchange " + exchange + " let " + escaped + " escape", escaped);
            } finally {
                card.close();
            }
        }
        assertTrue(signatures > 0, "the fuzzer reached a signature");
        assertTrue(declines.keySet().containsAll(CARD_DECLINES), "every card decline was reached: " + declines);
    }

    @Test
    void theVirtualCardAnswersGarbageWithAStatusWord() {
        SigningCardApplet applet = CardKit.card("fuzzed");
        Random random = new Random(7);
        applet.process(CardApdus.select());
        for (int i = 0; i < 20_000; i++) {
            byte[] command = new byte[random.nextInt(160)];
            random.nextBytes(command);
            if (command.length > 1 && random.nextBoolean()) {
                command[1] = (byte) CardApdus.INS_SIGN;
            }
            byte[] answer = applet.process(command);
            assertTrue(answer != null && answer.length >= 2);
        }
        assertTrue(applet.triesLeft() <= SigningCardApplet.PIN_TRIES);
    }

    /** Answers each command with seeded bytes: now and then well formed, mostly not. */
    private static final class HostileApplet implements CardApplet {
        private static final int[] STATUS_WORDS = {0x9000, 0x6982, 0x63C2, 0x63C0, 0x6983, 0x6A80, 0x6A82, 0x6F00,
            0x6700, 0x9001};
        private final Random random;

        HostileApplet(Random random) {
            this.random = random;
        }

        @Override
        public byte[] process(byte[] command) {
            int ins = command[1] & 0xFF;
            switch (random.nextInt(6)) {
                case 0:
                    return randomBytes(random.nextInt(80));
                case 1:
                    if (random.nextInt(10) == 0) {
                        throw new IllegalStateException("the card's own fault");
                    }
                    return random.nextInt(10) == 0 ? null : randomBytes(random.nextInt(2));
                case 2:
                    return CardApdus.answer(STATUS_WORDS[random.nextInt(STATUS_WORDS.length)]);
                case 3:
                    return CardApdus.answer(randomBytes(ins == CardApdus.INS_GET_INFO ? 30 : 65),
                            STATUS_WORDS[random.nextInt(3)]);
                default:
                    return wellFormed(ins);
            }
        }

        private byte[] wellFormed(int ins) {
            if (ins == CardApdus.INS_GET_INFO) {
                byte[] address = randomBytes(20);
                return CardApdus.answer(CardApdus.infoData(new CardInfo(random.nextInt(4) == 0 ? 2 : 1,
                        nl.heitje.terminal.domain.Address.of(address), random.nextInt(4),
                        BigInteger.valueOf(random.nextInt(1000)))), 0x9000);
            }
            if (ins == CardApdus.INS_SIGN && random.nextBoolean()) {
                byte[] signature = randomBytes(65);
                signature[64] = (byte) (27 + random.nextInt(2));
                return CardApdus.answer(signature, 0x9000);
            }
            return CardApdus.answer(STATUS_WORDS[random.nextInt(STATUS_WORDS.length)]);
        }

        private byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }
    }
}
