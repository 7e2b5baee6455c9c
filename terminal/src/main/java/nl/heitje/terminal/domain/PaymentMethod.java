package nl.heitje.terminal.domain;

/** How the citizen presented the authorization. */
public enum PaymentMethod {
    QR, CARD
}
