// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

/**
 * The program on a simulated smart card: it answers each command APDU with a response APDU (data, then the
 * two-byte status word), as a real card's applet does. The virtual reader and the vpcd link both carry a card's
 * APDUs to one of these.
 */
public interface CardApplet {

    /** Answers one command APDU; never throws for bad input (a real card answers with a status word). */
    byte[] process(byte[] commandApdu);
}
