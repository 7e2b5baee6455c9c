// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.domain;

/** How the citizen presented the authorization. */
public enum PaymentMethod {
    QR, CARD
}
