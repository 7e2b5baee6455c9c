// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * Why a payment attempt was declined. The names are part of the wire contract (payment-qr.md and
 * card-apdu.md): the till API, the staff screen and the simulator report them exactly like this.
 */
public enum DeclineCode {
    // payment-qr.md, in the order the checks run
    MALFORMED,
    TOKEN_NOT_ACCEPTED,
    WRONG_MERCHANT,
    AMOUNT_MISMATCH,
    BAD_SIGNATURE,
    EXPIRED,
    NOT_YET_VALID,
    REPLAYED,
    DENIED,
    INSUFFICIENT_FUNDS,
    OFFLINE_LIMIT,
    // card-apdu.md
    WRONG_PIN,
    CARD_BLOCKED,
    CARD_REMOVED,
    CARD_UNSUPPORTED,
    CARD_ERROR
}
