// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/**
 * Where a payment request stands. {@code WAITING} changes to any other; {@code APPROVED} may still become
 * {@code VOIDED} (a manager undoes it before its redemption is submitted for settlement); the rest are final.
 */
public enum PaymentStatus {
    WAITING, APPROVED, DECLINED, CANCELLED, EXPIRED, VOIDED;

    public boolean isFinal() {
        return this != WAITING;
    }
}
