// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/** Where a payment request stands. Only {@code WAITING} ever changes; the rest are final. */
public enum PaymentStatus {
    WAITING, APPROVED, DECLINED, CANCELLED, EXPIRED;

    public boolean isFinal() {
        return this != WAITING;
    }
}
