// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.port.SettlementChain.Consumption;
import nl.heitje.terminal.port.SettlementChain.Transfer;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Reads a transaction's logs as EIP-3009 consumptions: each {@code AuthorizationUsed(authorizer, nonce)} paired with
 * the {@code Transfer} that the same token contract emitted after it and before its next authorization event. A
 * token emits the pair from one call (mark the nonce used, then move the tokens), so the pairing is exact even in
 * a batch that moves the same payer's tokens several times.
 */
final class Consumptions {
    private Consumptions() {
    }

    static List<Consumption> in(List<Log> logs) {
        List<Consumption> consumed = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            Log log = logs.get(i);
            if (!is(log, Calldata.AUTHORIZATION_USED_TOPIC, 3)) {
                continue;
            }
            consumed.add(new Consumption(Address.parse(log.getAddress()), topicAddress(log, 1),
                    new Nonce(log.getTopics().get(2).toLowerCase(Locale.ROOT)), transferAfter(logs, i)));
        }
        return consumed;
    }

    private static Optional<Transfer> transferAfter(List<Log> logs, int index) {
        String token = logs.get(index).getAddress();
        for (int i = index + 1; i < logs.size(); i++) {
            Log log = logs.get(i);
            if (!log.getAddress().equalsIgnoreCase(token)) {
                continue;
            }
            if (is(log, Calldata.AUTHORIZATION_USED_TOPIC, 3) || is(log, Calldata.AUTHORIZATION_CANCELED_TOPIC, 3)) {
                return Optional.empty();
            }
            if (is(log, Calldata.TRANSFER_TOPIC, 3)) {
                return Optional.of(new Transfer(topicAddress(log, 1), topicAddress(log, 2),
                        Numeric.toBigInt(log.getData())));
            }
        }
        return Optional.empty();
    }

    private static boolean is(Log log, String topic, int topics) {
        return log.getTopics().size() == topics && topic.equalsIgnoreCase(log.getTopics().get(0));
    }

    private static Address topicAddress(Log log, int index) {
        return Address.parse("0x" + log.getTopics().get(index).substring(26));
    }
}
