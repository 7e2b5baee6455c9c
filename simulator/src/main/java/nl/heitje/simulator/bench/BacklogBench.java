// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.bench;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import nl.heitje.simulator.DevWallet;
import nl.heitje.simulator.LocalChain;
import nl.heitje.simulator.Simulator;
import nl.heitje.terminal.adapter.web3j.Web3jChain;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentStatus;
import nl.heitje.terminal.domain.SettlementStatus;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import nl.heitje.terminal.port.SettlementChain;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A day offline, then the network returns: how long the terminal takes to settle a backlog of 1,000 offline
 * redemptions, and what gas each costs. The baseline, measured in the same run on the same anvil, is what the same
 * number of authorizations costs when signed, sent and mined in batches of 50 straight through the chain adapter,
 * with no journal, no lookups and no scheduling.
 */
final class BacklogBench {
    static final String HEADING = "## Settling a backlog of offline redemptions";
    private static final int BACKLOG = 1_000;
    private static final int PAYERS = 20;
    private static final int BATCH = 50;
    private static final long UNITS = 100;
    /** anvil's development account 5: the baseline's own settlement key, so its nonces are its own. */
    private static final Credentials BASELINE_SETTLER =
            Credentials.create("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba");

    record Result(int backlog, double approveSeconds, double settleSeconds, int transactions, long gasUsed,
                  double baselineSeconds, long baselineGas) {
        double gasPerRedemption() {
            return gasUsed / (double) backlog;
        }
    }

    private BacklogBench() {
    }

    static Result run(Path chainDir, Path dataDir) throws Exception {
        // A settlement interval of an hour: only the return of the network may start the settlement.
        try (Simulator simulator = Simulator.start(new Simulator.Options(chainDir, dataDir, 0, 0, 3_600_000, Map.of(
                "offline.maxPerPayment", "100.00", "offline.maxPerPayerPerDay", "100000.00",
                "offline.maxTotalExposure", "100000.00", "offline.maxCount", "100000",
                "till.paymentTimeoutSeconds", "3600")))) {
            Token token = simulator.terminal().token();
            Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
            List<DevWallet> payers = new ArrayList<>();
            for (int i = 0; i < PAYERS; i++) {
                DevWallet payer = DevWallet.create();
                simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(1_000_000));
                payers.add(payer);
            }
            simulator.terminal().syncHolderSnapshot();
            double[] baseline = baseline(simulator, token, merchant);

            simulator.network().setOnline(false);
            simulator.terminal().connectivity().markOffline();
            long approveStart = System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                TransferAuthorization authorization = payers.get(i % PAYERS).authorize(token, merchant, UNITS,
                        Instant.now().plusSeconds(2 * 86_400).getEpochSecond());
                simulator.terminal().desk().request(new Money(UNITS, token), "backlog-" + i);
                Payment decided = simulator.scanner().scan(PaymentQrCodec.encode(authorization)).payment().orElseThrow();
                if (decided.status() != PaymentStatus.APPROVED || !decided.offline()) {
                    throw new IllegalStateException("backlog payment " + i + " not approved offline: " + decided);
                }
                ids.add(decided.id());
            }
            double approveSeconds = (System.nanoTime() - approveStart) / 1e9;

            long settleStart = System.nanoTime();
            simulator.network().setOnline(true);
            Set<String> transactions = new HashSet<>();
            for (String id : ids) {
                transactions.add(awaitSettled(simulator, id));
            }
            double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
            long gas = 0;
            Web3j web3j = Web3j.build(new HttpService(simulator.chain().rpcUrl()));
            try {
                for (String hash : transactions) {
                    gas += web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().orElseThrow()
                            .getGasUsed().longValueExact();
                }
            } finally {
                web3j.shutdown();
            }
            return new Result(BACKLOG, approveSeconds, settleSeconds, transactions.size(), gas, baseline[0],
                    (long) baseline[1]);
        }
    }

    /** Seconds and gas for the backlog's worth of authorizations, in batches, straight through the adapter. */
    private static double[] baseline(Simulator simulator, Token token, Address merchant) throws Exception {
        Web3j web3j = Web3j.build(new HttpService(simulator.chain().rpcUrl()));
        try {
            Web3jChain chain = new Web3jChain(web3j, LocalChain.CHAIN_ID, BASELINE_SETTLER,
                    Optional.of(Address.parse(simulator.chain().batcher())), BATCH, 1000);
            DevWallet payer = DevWallet.create();
            simulator.chain().mint(payer.address().hex(), BigInteger.valueOf(UNITS * BACKLOG));
            TransferAuthorization[] all = new TransferAuthorization[BACKLOG];
            for (int i = 0; i < BACKLOG; i++) {
                all[i] = payer.authorize(token, merchant, UNITS, Instant.now().plusSeconds(86_400).getEpochSecond());
            }
            long start = System.nanoTime();
            long gas = 0;
            for (int from = 0; from < BACKLOG; from += BATCH) {
                List<TransferAuthorization> batch = Arrays.asList(all).subList(from, Math.min(BACKLOG, from + BATCH));
                SettlementChain.SignedTransaction signed = chain.sign(batch, chain.nextAccountNonce(),
                        chain.suggestedFees());
                chain.broadcast(signed.raw());
                Optional<SettlementChain.Receipt> receipt = Optional.empty();
                while (receipt.isEmpty()) {
                    receipt = chain.receipt(signed.hash());
                }
                gas += receipt.get().gasUsed();
            }
            return new double[] {(System.nanoTime() - start) / 1e9, gas};
        } finally {
            web3j.shutdown();
        }
    }

    private static String awaitSettled(Simulator simulator, String paymentId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(600);
        while (Instant.now().isBefore(deadline)) {
            Payment.Settlement settlement = simulator.terminal().desk().find(paymentId).orElseThrow().settlement();
            if (settlement.status() == SettlementStatus.SETTLED) {
                return settlement.txHash();
            }
            if (settlement.status() == SettlementStatus.FAILED) {
                throw new IllegalStateException("backlog payment " + paymentId + " failed: " + settlement.reason());
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("backlog payment " + paymentId + " not settled within 10 minutes");
    }

    static String render(Result r, boolean alone) throws java.io.IOException {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append(" (").append(String.format("%,d", r.backlog())).append(", anvil)\n\n");
        if (alone) {
            md.append(Bench.aloneHeader("backlog"));
        }
        md.append(String.format("%,d payments of %s units from %d payers approved offline (%.1f s), then the network"
                + " returns; timed from the return until the last one is SETTLED in the journal. Baseline: the same"
                + " number of authorizations signed, sent and mined in batches of %d straight through the chain"
                + " adapter, in the same run.%n%n", r.backlog(), UNITS, PAYERS, r.approveSeconds(), BATCH));
        md.append("| measurement | seconds | redemptions/s | gas per redemption | ratio to baseline (time) |\n");
        md.append("|---|---|---|---|---|\n");
        md.append(String.format("| baseline: batches of %d through the adapter | %.2f | %,.0f | %,.0f | 1.00 |%n", BATCH,
                r.baselineSeconds(), r.backlog() / r.baselineSeconds(), r.baselineGas() / (double) r.backlog()));
        md.append(String.format("| terminal settling its backlog (%d transactions) | %.2f | %,.0f | %,.0f | %.2f |%n",
                r.transactions(), r.settleSeconds(), r.backlog() / r.settleSeconds(), r.gasPerRedemption(),
                r.settleSeconds() / r.baselineSeconds()));
        md.append("\nTarget: a backlog of 1,000 offline redemptions settled in under 60 s.\n");
        return md.toString();
    }
}
