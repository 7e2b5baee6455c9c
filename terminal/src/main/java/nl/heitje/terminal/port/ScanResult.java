// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.util.Optional;
import nl.heitje.terminal.domain.Payment;

/** What a scan led to: the payment it was presented for, or nothing because no payment was waiting. */
public record ScanResult(Optional<Payment> payment) {
    public static ScanResult noPaymentWaiting() {
        return new ScanResult(Optional.empty());
    }

    public static ScanResult of(Payment payment) {
        return new ScanResult(Optional.of(payment));
    }
}
