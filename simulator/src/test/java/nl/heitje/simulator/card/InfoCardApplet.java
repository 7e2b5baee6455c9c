// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.util.Arrays;

/**
 * The smallest applet that answers the SELECT and GET INFO of docs/card-apdu.md: enough for the PC/SC stack tests to
 * see a card's data cross pcscd, without depending on the real signing applet.
 */
final class InfoCardApplet implements CardApplet {
    static final byte[] AID = {(byte) 0xF0, 0x48, 0x45, 0x49, 0x54, 0x4A, 0x45, 0x01};
    private static final byte[] OK = {(byte) 0x90, 0x00};
    private static final byte[] APPLET_NOT_PRESENT = {0x6A, (byte) 0x82};
    private static final byte[] INS_NOT_SUPPORTED = {0x6D, 0x00};
    private static final byte[] NOT_SELECTED = {0x69, (byte) 0x85};
    private static final int PIN_TRIES = 3;

    private final byte[] address;
    private boolean selected;

    InfoCardApplet(byte[] address) {
        if (address.length != 20) {
            throw new IllegalArgumentException("an address has 20 bytes, not " + address.length);
        }
        this.address = address.clone();
    }

    @Override
    public synchronized byte[] process(byte[] apdu) {
        if (apdu.length < 4) {
            return INS_NOT_SUPPORTED;
        }
        if (apdu[0] == 0x00 && apdu[1] == (byte) 0xA4 && apdu[2] == 0x04) {
            selected = apdu.length >= 5 + AID.length && Arrays.equals(apdu, 5, 5 + AID.length, AID, 0, AID.length);
            return selected ? OK : APPLET_NOT_PRESENT;
        }
        if (apdu[0] == (byte) 0x80 && apdu[1] == 0x01) {
            return selected ? info() : NOT_SELECTED;
        }
        return INS_NOT_SUPPORTED;
    }

    /** GET INFO's data: version 1, the address, PIN tries left, an 8-byte no-PIN limit of zero; then 90 00. */
    private byte[] info() {
        byte[] response = new byte[1 + 20 + 1 + 8 + 2];
        response[0] = 1;
        System.arraycopy(address, 0, response, 1, 20);
        response[21] = PIN_TRIES;
        response[response.length - 2] = (byte) 0x90;
        return response;
    }
}
