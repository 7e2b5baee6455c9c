// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import nl.heitje.config.TerminalConfigDraft;
import nl.heitje.provisioning.Provision;
import nl.heitje.terminal.adapter.sqlite.SqliteJournal;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Money;
import nl.heitje.terminal.domain.Payment;
import nl.heitje.terminal.domain.PaymentMethod;
import nl.heitje.terminal.domain.Redemption;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.protocol.ObjectMapperFactory;

/** {@code provision check} against a terminal's config on a real local chain, as an installer runs it. */
class ProvisionCheckIT {
    private static LocalChain chain;
    @TempDir
    Path dir;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(EthersSigner.chainDir());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    /** A terminal on the local chain with the given chain id in its config, its key set by the caller. */
    private TerminalConfigDraft terminal(long chainId) {
        return new TerminalConfigDraft()
                .merchant(LocalChain.MERCHANT.getAddress())
                .token(LocalChain.TOKEN_SYMBOL, chainId, chain.token(), LocalChain.TOKEN_NAME, LocalChain.TOKEN_VERSION,
                        LocalChain.DECIMALS)
                .chain(chain.rpcUrl(), chain.batcher())
                // anvil mines on demand: its newest block may be old while the chain is live.
                .set("clock.maxBlockLagSeconds", "31536000")
                .set("card.reader", "none")
                .till("127.0.0.1", 0, "an-api-token-of-enough-length")
                .journal(dir.resolve("journal.db"));
    }

    private List<String> check(int expectedExit, TerminalConfigDraft settings) {
        Path config = dir.resolve("terminal.properties");
        settings.write(config, "ProvisionCheckIT");
        StringWriter out = new StringWriter();
        picocli.CommandLine provision = new picocli.CommandLine(new Provision());
        provision.setOut(new PrintWriter(out));
        provision.setErr(new PrintWriter(out));
        // A generous timeout: a loaded machine must not turn a slow answer into a failed check.
        assertEquals(expectedExit, provision.execute("check", "--config", config.toString(),
                "--timeout-seconds", "30"), out.toString());
        return out.toString().lines().toList();
    }

    private static String line(List<String> lines, String start) {
        return lines.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + start + " in\n" + String.join("\n", lines)));
    }

    @Test
    void aFundedTerminalWithItsKeystorePassesEveryChainCheck() throws Exception {
        Path keystore = dir.resolve("keystore.json");
        Path password = Files.writeString(dir.resolve("keystore-password"), "a password for the counter\n");
        ECKeyPair key = LocalChain.MERCHANT.getEcKeyPair(); // anvil's funded development account
        ObjectMapperFactory.getObjectMapper().writeValue(keystore.toFile(),
                Wallet.createLight("a password for the counter", key));

        List<String> lines = check(0, terminal(LocalChain.CHAIN_ID).settlementKeystore(keystore, password));

        String address = Keys.toChecksumAddress(LocalChain.MERCHANT.getAddress());
        assertEquals("PASS keystore opens with the configured password, terminal address " + address,
                line(lines, "PASS keystore"));
        assertEquals("PASS chain reachable: " + chain.rpcUrl() + " serves chain id 31337",
                line(lines, "PASS chain reachable"));
        assertTrue(line(lines, "PASS token HEIT EIP-712 domain: ").contains("match DOMAIN_SEPARATOR"));
        assertTrue(line(lines, "PASS gas balance for 100 settlements: ").contains("× 47000 gas (batched)"));
        assertTrue(line(lines, "PASS clock synchronised: ").contains("our clock agrees with block"));
        assertTrue(line(lines, "PASS journal hash chain: ").contains("(new terminal)"));
        assertEquals("SKIP card reader: none configured (card.reader=none)", line(lines, "SKIP card reader"));
        assertEquals("check: all checks passed", lines.get(lines.size() - 1));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("FAIL")), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("a password for the counter")), "no secret printed");
    }

    @Test
    void aWrongChainIdFailsNamingBothIds() {
        List<String> lines = check(1, terminal(100).settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey()));

        assertEquals("FAIL chain reachable: the node at " + chain.rpcUrl() + " serves chain id 31337, the config says"
                + " 100 (token.<S>.chainId)", line(lines, "FAIL chain reachable"));
        // The contract's domain is bound to the chain it runs on: signatures for chain 100 would not verify.
        assertTrue(line(lines, "FAIL token HEIT EIP-712 domain: ").contains("chain id 100"));
    }

    @Test
    void anUnfundedTerminalFailsTheGasLineWithTheNumbers() throws Exception {
        ECKeyPair empty = Keys.createEcKeyPair();
        List<String> lines = check(1, terminal(LocalChain.CHAIN_ID).settlementKey(empty.getPrivateKey()));

        String gas = line(lines, "FAIL gas balance for 100 settlements: ");
        assertTrue(gas.contains("balance 0 ETH at " + Keys.toChecksumAddress(Keys.getAddress(empty))), gas);
        assertTrue(gas.contains("send the terminal at least"), gas);
        line(lines, "PASS chain reachable");
    }

    @Test
    void aTamperedJournalFailsTheJournalLineNamingTheRow() throws Exception {
        Path journalFile = dir.resolve("journal.db");
        Token token = chain.heitje();
        Address merchant = Address.parse(LocalChain.MERCHANT.getAddress());
        DevWallet payer = DevWallet.create();
        try (SqliteJournal journal = SqliteJournal.open(journalFile, List.of(token))) {
            for (int i = 1; i <= 3; i++) {
                Instant at = Instant.now();
                Payment waiting = Payment.waiting("p-" + i, "till-" + i, new Money(100L * i, token), at);
                journal.create(waiting);
                TransferAuthorization authorization = payer.authorize(token, merchant, 100L * i,
                        at.plusSeconds(86_400).getEpochSecond());
                journal.approve(waiting.approve(token, payer.address(), PaymentMethod.QR, false, at),
                        new Redemption(waiting.id(), token, authorization, PaymentMethod.QR, false, at, 0));
            }
        }
        List<String> intact = check(0, terminal(LocalChain.CHAIN_ID)
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey()));
        assertEquals("PASS journal hash chain: intact in " + journalFile, line(intact, "PASS journal hash chain"));

        long edited;
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + journalFile);
             Statement statement = raw.createStatement()) {
            try (ResultSet second = statement.executeQuery("SELECT seq FROM redemption ORDER BY seq LIMIT 1 OFFSET 1")) {
                edited = second.getLong(1);
            }
            statement.execute("DROP TRIGGER redemption_is_append_only_update");
            statement.executeUpdate("UPDATE redemption SET value = 1 WHERE seq = " + edited);
        }
        List<String> lines = check(1, terminal(LocalChain.CHAIN_ID)
                .settlementKey(LocalChain.MERCHANT.getEcKeyPair().getPrivateKey()));

        assertEquals("FAIL journal hash chain: the redemption chain in " + journalFile + " breaks at row " + edited
                + ": a recorded payment was changed or removed", line(lines, "FAIL journal hash chain"));
        assertEquals(List.of("FAIL journal hash chain"), lines.stream().filter(l -> l.startsWith("FAIL"))
                .map(l -> l.substring(0, l.indexOf(':'))).toList(), "the other checks still pass");
    }
}
