// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.nio.ByteBuffer;
import javax.smartcardio.ATR;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/** A connection to the card on a {@link VirtualReader}; like the JDK's, it fails once disconnected or removed. */
final class VirtualCard extends Card {
    /** A contactless card's ATR as PC/SC readers synthesise it (no historical bytes). */
    private static final ATR ATR = new ATR(new byte[] {0x3B, (byte) 0x80, (byte) 0x80, 0x01, 0x01});

    private final VirtualReader reader;
    private final VirtualReader.Insertion insertion;
    private final CardChannel basicChannel = new Channel();
    private volatile boolean disconnected;

    VirtualCard(VirtualReader reader, VirtualReader.Insertion insertion) {
        this.reader = reader;
        this.insertion = insertion;
    }

    @Override
    public ATR getATR() {
        return ATR;
    }

    @Override
    public String getProtocol() {
        return "T=1";
    }

    @Override
    public CardChannel getBasicChannel() {
        requireConnected();
        return basicChannel;
    }

    @Override
    public CardChannel openLogicalChannel() throws CardException {
        throw new CardException("logical channels are not supported by the virtual card");
    }

    @Override
    public void beginExclusive() {
        requireConnected();
    }

    @Override
    public void endExclusive() {
        requireConnected();
    }

    @Override
    public byte[] transmitControlCommand(int controlCode, byte[] command) throws CardException {
        throw new CardException("the virtual reader has no control commands");
    }

    @Override
    public void disconnect(boolean reset) {
        disconnected = true;
    }

    private void requireConnected() {
        if (disconnected) {
            throw new IllegalStateException("Card has been disconnected");
        }
    }

    private final class Channel extends CardChannel {
        @Override
        public Card getCard() {
            return VirtualCard.this;
        }

        @Override
        public int getChannelNumber() {
            return 0;
        }

        @Override
        public ResponseAPDU transmit(CommandAPDU command) throws CardException {
            requireConnected();
            return new ResponseAPDU(reader.transmit(insertion, command.getBytes()));
        }

        @Override
        public int transmit(ByteBuffer command, ByteBuffer response) throws CardException {
            requireConnected();
            byte[] bytes = new byte[command.remaining()];
            command.get(bytes);
            byte[] answer = reader.transmit(insertion, bytes);
            if (response.remaining() < answer.length) {
                throw new IllegalArgumentException("Insufficient space in response buffer");
            }
            response.put(answer);
            return answer.length;
        }

        @Override
        public void close() {
            throw new IllegalStateException("Cannot close basic logical channel");
        }
    }
}
