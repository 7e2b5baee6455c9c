// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import nl.heitje.terminal.adapter.smartcardio.ApduSigningCard;
import nl.heitje.terminal.codec.CardApdus;
import nl.heitje.terminal.domain.CardInfo;
import nl.heitje.terminal.domain.DeclineCode;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SigningCard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.function.Executable;

/** The terminal's card adapter against virtual cards, through the JCA smartcardio API it uses in production. */
class ApduSigningCardTest {
    private final CardKit kit = new CardKit();
    private final CountDownLatch releaseHangingCards = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        releaseHangingCards.countDown();
        kit.close();
    }

    @Test
    void aCardWithinItsNoPinLimitSignsAndTheSignatureRecoversToItsAddress() throws Exception {
        SigningCardApplet applet = CardKit.card("alice");
        ApduSigningCard card = kit.tap(applet);

        CardInfo info = card.select();
        TransferAuthorization fields = CardKit.fields(info.address(), 450);
        Signature signature = signed(card.sign(CardKit.DOMAIN, fields));

        assertEquals(new CardInfo(1, applet.address(), 3, CardKit.NO_PIN_LIMIT), info);
        assertTrue(signature.isCanonical());
        assertEquals(applet.address(), CardKit.signer(fields, signature));
    }

    @Test
    void overTheLimitTheCardWantsItsPinThenSignsOnce() throws Exception {
        ApduSigningCard card = kit.tap(CardKit.card("bob"));
        CardInfo info = card.select();
        TransferAuthorization fields = CardKit.fields(info.address(), 501);

        assertInstanceOf(SigningCard.PinRequired.class, card.sign(CardKit.DOMAIN, fields));
        assertInstanceOf(SigningCard.PinAccepted.class, card.verifyPin(CardKit.PIN));
        assertEquals(info.address(), CardKit.signer(fields, signed(card.sign(CardKit.DOMAIN, fields))));
        assertInstanceOf(SigningCard.PinRequired.class,
                card.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 501)), "one PIN, one signature");
    }

    @Test
    void thePinFreeTotalIsRememberedAcrossTapsAndResetByThePin() throws Exception {
        SigningCardApplet applet = CardKit.card("carol");
        ApduSigningCard first = kit.tap(applet);
        CardInfo info = first.select();
        assertInstanceOf(SigningCard.Signed.class, first.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 300)));

        ApduSigningCard second = kit.tap(applet);
        second.select();
        assertInstanceOf(SigningCard.PinRequired.class,
                second.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 300)));
        assertInstanceOf(SigningCard.PinAccepted.class, second.verifyPin(CardKit.PIN));
        assertInstanceOf(SigningCard.Signed.class, second.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 300)));
        assertInstanceOf(SigningCard.Signed.class, second.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 200)),
                "the PIN opened a fresh allowance");
    }

    @Test
    void aPinVerifiedInOneTapDoesNotCarryOverToTheNext() throws Exception {
        SigningCardApplet applet = CardKit.card("dora");
        ApduSigningCard first = kit.tap(applet);
        CardInfo info = first.select();
        first.verifyPin(CardKit.PIN);

        ApduSigningCard second = kit.tap(applet);
        second.select();
        assertInstanceOf(SigningCard.PinRequired.class,
                second.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 900)));
    }

    @Test
    void wrongPinsCountDownAndTheThirdBlocksTheCard() throws Exception {
        SigningCardApplet applet = CardKit.card("erik");
        ApduSigningCard card = kit.tap(applet);
        CardInfo info = card.select();

        assertEquals(new SigningCard.WrongPin(2), card.verifyPin("0000"));
        assertEquals(new SigningCard.WrongPin(1), card.verifyPin("1111"));
        assertEquals(new SigningCard.WrongPin(0), card.verifyPin("999999"));

        assertEquals(DeclineCode.CARD_BLOCKED, refusal(() -> card.verifyPin(CardKit.PIN)));
        assertEquals(DeclineCode.CARD_BLOCKED,
                refusal(() -> card.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 1))));
        ApduSigningCard later = kit.tap(applet);
        assertEquals(0, later.select().pinTriesLeft());
    }

    @Test
    void theRightPinBeforeTheThirdTryRestoresTheTries() throws Exception {
        SigningCardApplet applet = CardKit.card("fien");
        ApduSigningCard card = kit.tap(applet);
        card.select();

        assertEquals(new SigningCard.WrongPin(2), card.verifyPin("0000"));
        assertEquals(new SigningCard.WrongPin(1), card.verifyPin("0000"));
        assertInstanceOf(SigningCard.PinAccepted.class, card.verifyPin(CardKit.PIN));
        assertEquals(3, card.select().pinTriesLeft());
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "1234567", "12a4", " 1234"})
    void aPinOfTheWrongFormIsRefusedBeforeItReachesTheCard(String pin) throws Exception {
        RecordingApplet recorder = new RecordingApplet(CardKit.card("gijs"));
        ApduSigningCard card = kit.tap(recorder);
        card.select();

        assertEquals(DeclineCode.CARD_ERROR, refusal(() -> card.verifyPin(pin)));
        assertTrue(recorder.instructions().stream().noneMatch(ins -> ins == CardApdus.INS_VERIFY_PIN));
        assertEquals(3, card.select().pinTriesLeft());
    }

    /** The whole PIN exchange is five APDUs: SELECT, GET INFO, SIGN, VERIFY PIN, SIGN. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void aCardTakenAwayAtAnyStepEndsTheExchangeCardRemoved(int answeredBeforeRemoval) throws Exception {
        ApduSigningCard card = kit.tap(CardKit.card("hanna"), answeredBeforeRemoval, Duration.ofSeconds(3));

        DeclineCode code = refusal(() -> {
            CardInfo info = card.select();
            TransferAuthorization fields = CardKit.fields(info.address(), 900);
            assertInstanceOf(SigningCard.PinRequired.class, card.sign(CardKit.DOMAIN, fields));
            assertInstanceOf(SigningCard.PinAccepted.class, card.verifyPin(CardKit.PIN));
            card.sign(CardKit.DOMAIN, fields);
        });

        assertEquals(DeclineCode.CARD_REMOVED, code);
    }

    @Test
    void aTokenTheCardDoesNotSignForIsNotAccepted() throws Exception {
        ApduSigningCard card = kit.tap(CardKit.card("ivo"));
        CardInfo info = card.select();
        byte[] foreign = nl.heitje.terminal.crypto.Eip3009.domainSeparator(CardKit.FOREIGN);

        assertEquals(DeclineCode.TOKEN_NOT_ACCEPTED,
                refusal(() -> card.sign(foreign, CardKit.fields(info.address(), 10))));
    }

    @Test
    void aCardWithoutTheAppletIsUnsupported() throws Exception {
        ApduSigningCard card = kit.tap(command -> CardApdus.answer(CardApdus.SW_APPLET_NOT_FOUND));

        assertEquals(DeclineCode.CARD_UNSUPPORTED, refusal(card::select));
    }

    @Test
    void aCardOfAnotherProtocolVersionIsUnsupported() throws Exception {
        byte[] info = CardApdus.infoData(new CardInfo(1, CardKit.MERCHANT, 3, BigInteger.TEN));
        info[0] = 2;
        ApduSigningCard card = kit.tap(scripted(Map.of(CardApdus.INS_GET_INFO, CardApdus.answer(info, 0x9000))));

        assertEquals(DeclineCode.CARD_UNSUPPORTED, refusal(card::select));
    }

    @ParameterizedTest
    @ValueSource(strings = {"6F00", "6982", "63C2", "6D00", "9001", "6A8290", "01", ""})
    void anUnknownStatusWordOrAMalformedInfoIsACardError(String getInfoAnswer) throws Exception {
        ApduSigningCard card = kit.tap(scripted(Map.of(CardApdus.INS_GET_INFO, hex(getInfoAnswer))));

        assertEquals(DeclineCode.CARD_ERROR, refusal(card::select));
    }

    @Test
    void infoOfTheWrongLengthIsACardError() throws Exception {
        byte[] info = CardApdus.infoData(new CardInfo(1, CardKit.MERCHANT, 3, BigInteger.TEN));
        ApduSigningCard card = kit.tap(scripted(Map.of(CardApdus.INS_GET_INFO,
                CardApdus.answer(Arrays.copyOf(info, 31), 0x9000))));

        assertEquals(DeclineCode.CARD_ERROR, refusal(card::select));
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 66, 0})
    void aSignatureOfTheWrongLengthIsACardError(int length) throws Exception {
        byte[] signature = new byte[length];
        if (length > 0) {
            signature[length - 1] = 27;
        }
        assertEquals(DeclineCode.CARD_ERROR, signRefusal(CardApdus.answer(signature, 0x9000)));
    }

    @Test
    void aSignatureWithAnotherVIsACardError() throws Exception {
        byte[] signature = new byte[65];
        signature[64] = 1;
        assertEquals(DeclineCode.CARD_ERROR, signRefusal(CardApdus.answer(signature, 0x9000)));
    }

    @Test
    void aPinRequestWithDataIsACardError() throws Exception {
        assertEquals(DeclineCode.CARD_ERROR, signRefusal(CardApdus.answer(new byte[] {1}, 0x6982)));
    }

    @Test
    void aWrongPinAnswerToSignIsACardError() throws Exception {
        assertEquals(DeclineCode.CARD_ERROR, signRefusal(CardApdus.answer(0x63C1)));
    }

    @Test
    void aCardThatNeverAnswersIsACardErrorWithinTheDeadline() throws Exception {
        CardApplet hanging = command -> {
            try {
                releaseHangingCards.await();
            } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt();
            }
            return CardApdus.answer(0x9000);
        };
        ApduSigningCard card = kit.tap(hanging, -1, Duration.ofMillis(300));

        long started = System.nanoTime();
        DeclineCode code = refusal(card::select);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(DeclineCode.CARD_ERROR, code);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
        assertEquals(DeclineCode.CARD_ERROR, refusal(() -> card.verifyPin(CardKit.PIN)),
                "a card that went silent is not spoken to again");
    }

    @Test
    void aCardAnsweringNothingIsACardError() throws Exception {
        ApduSigningCard card = kit.tap(command -> command[1] == CardApdus.INS_GET_INFO ? null : CardApdus.answer(0x9000));

        assertEquals(DeclineCode.CARD_ERROR, refusal(card::select));
    }

    @Test
    void aCardThatFaultsInsideIsACardError() throws Exception {
        ApduSigningCard card = kit.tap(command -> {
            throw new IllegalStateException("fried");
        });

        assertEquals(DeclineCode.CARD_ERROR, refusal(card::select));
    }

    private DeclineCode signRefusal(byte[] signAnswer) throws Exception {
        ApduSigningCard card = kit.tap(scripted(Map.of(CardApdus.INS_SIGN, signAnswer)));
        CardInfo info = card.select();
        return refusal(() -> card.sign(CardKit.DOMAIN, CardKit.fields(info.address(), 10)));
    }

    /** A card that answers SELECT and GET INFO correctly unless told otherwise per instruction. */
    private static CardApplet scripted(Map<Integer, byte[]> answers) {
        byte[] info = CardApdus.infoData(new CardInfo(1, CardKit.MERCHANT, 3, BigInteger.TEN));
        return command -> {
            int ins = command[1] & 0xFF;
            if (answers.containsKey(ins)) {
                return answers.get(ins);
            }
            return ins == CardApdus.INS_GET_INFO ? CardApdus.answer(info, 0x9000) : CardApdus.answer(0x9000);
        };
    }

    private static byte[] hex(String text) {
        return nl.heitje.terminal.domain.Hex.decode(text);
    }

    private static Signature signed(SigningCard.SignOutcome outcome) {
        return assertInstanceOf(SigningCard.Signed.class, outcome).signature();
    }

    private static DeclineCode refusal(Executable exchange) {
        return assertThrows(SigningCard.CardRefusedException.class, exchange).code();
    }

    /** Passes APDUs through and notes their instructions. */
    static final class RecordingApplet implements CardApplet {
        private final CardApplet inner;
        private final List<Integer> instructions = Collections.synchronizedList(new ArrayList<>());

        RecordingApplet(CardApplet inner) {
            this.inner = inner;
        }

        @Override
        public byte[] process(byte[] command) {
            instructions.add(command.length > 1 ? command[1] & 0xFF : -1);
            return inner.process(command);
        }

        List<Integer> instructions() {
            return List.copyOf(instructions);
        }
    }

}
