// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> minimal() {
        Map<String, String> values = MinimalConfig.values();
        return values;
    }

    private Path write(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return file;
    }

    @Test
    void aMinimalFileGetsDocumentedDefaults() {
        TerminalConfig config = TerminalConfig.load(write(minimal()));
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", config.merchant().address());
        assertEquals(2, config.primaryToken().decimals());
        assertEquals(25_000, config.till().maxPerPayment());
        assertEquals(2_500, config.offline().maxPerPayment());
        assertEquals(50, config.settlement().batchSize());
        assertEquals(Duration.ofMinutes(5), config.settlement().interval());
        assertTrue(config.chain().batchContract().isEmpty());
    }

    @Test
    void amountsAreReadAsBaseUnitsOfTheFirstToken() {
        Map<String, String> values = minimal();
        values.put("offline.maxPerPayment", "12.5");
        values.put("offline.maxTotalExposure", "1000");
        TerminalConfig config = TerminalConfig.load(write(values));
        assertEquals(1_250, config.offline().maxPerPayment());
        assertEquals(100_000, config.offline().maxTotalExposure());
    }

    @Test
    void errorsNameTheFileAndTheKey() {
        Map<String, String> missing = minimal();
        missing.remove("chain.rpcUrl");
        assertMessage(missing, "chain.rpcUrl: is required");

        Map<String, String> tooPrecise = minimal();
        tooPrecise.put("offline.maxPerPayment", "1.005");
        assertMessage(tooPrecise, "offline.maxPerPayment");

        Map<String, String> typo = minimal();
        typo.put("offline.maxPerPaymnet", "10.00");
        assertMessage(typo, "offline.maxPerPaymnet: is not a known setting");

        Map<String, String> shortToken = minimal();
        shortToken.put("till.apiToken", "secret");
        assertMessage(shortToken, "till.apiToken: must be at least 24 characters");
    }

    @Test
    void aDraftWritesTheKeysTheLoaderReads() {
        Path file = dir.resolve("drafted.properties");
        new TerminalConfigDraft()
                .merchant("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
                .token("HEIT", 31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", "Heerlens Heitje", "1", 2)
                .token("VIT", 31337, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "Vitality Purse", "2", 2)
                .chain("http://127.0.0.1:8545", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
                .settlementKey(java.math.BigInteger.valueOf(0xabcdef))
                .till("127.0.0.1", 9000, "0123456789abcdef0123456789abcdef")
                .journal(dir.resolve("j.db"))
                .denyListIssuer("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
                .denyListUrl("https://lists.heerlen.nl/heitje/deny-list")
                .set("offline.maxCount", "7")
                .write(file, "test");

        TerminalConfig config = TerminalConfig.load(file);

        assertEquals(List.of("HEIT", "VIT"), config.tokens().stream().map(TerminalConfig.TokenSettings::symbol).toList());
        assertEquals("Vitality Purse", config.tokens().get(1).eip712Name());
        assertEquals(Optional.of("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"), config.chain().batchContract());
        assertEquals(new TerminalConfig.DevPrivateKey("0x" + "0".repeat(58) + "abcdef"), config.settlement().key(),
                "keys are zero-padded to 32 bytes");
        assertEquals(9000, config.till().port());
        var denyList = config.storage().denyList();
        assertEquals(Optional.of("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), denyList.issuer());
        assertEquals(Optional.of(java.net.URI.create("https://lists.heerlen.nl/heitje/deny-list")), denyList.url());
        assertEquals(7, config.offline().maxCount());
    }

    @Test
    void theDenyListIsKeptBesideTheJournalAndHasDocumentedDefaults() {
        Map<String, String> values = minimal();
        values.put("storage.journal", dir.resolve("data/journal.db").toString());
        TerminalConfig.DenyListSettings denyList = TerminalConfig.load(write(values)).storage().denyList();

        assertEquals(dir.resolve("data").resolve(TerminalConfig.DENY_LIST_FILE), denyList.file());
        assertEquals(31337, denyList.chainId(), "lists are issued for the first token's chain");
        assertTrue(denyList.issuer().isEmpty(), "no issuer: no list verifies, offline approvals are refused");
        assertTrue(denyList.url().isEmpty());
        assertEquals(Duration.ofHours(48), denyList.maxAge());
        assertEquals(Duration.ofMinutes(15), denyList.syncInterval());
    }

    @Test
    void denyListSettingsAreValidatedByKey() {
        Map<String, String> plainHttp = minimal();
        plainHttp.put("denyList.issuer", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        plainHttp.put("denyList.url", "http://lists.heerlen.nl/deny-list");
        assertMessage(plainHttp, "denyList.url: must be https");

        Map<String, String> loopback = minimal();
        loopback.put("denyList.issuer", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        loopback.put("denyList.url", "http://127.0.0.1:8090/deny-list");
        assertTrue(TerminalConfig.load(write(loopback)).storage().denyList().url().isPresent());

        Map<String, String> urlWithoutIssuer = minimal();
        urlWithoutIssuer.put("denyList.url", "https://lists.heerlen.nl/deny-list");
        assertMessage(urlWithoutIssuer, "denyList.url: needs denyList.issuer");

        Map<String, String> badIssuer = minimal();
        badIssuer.put("denyList.issuer", "0x1234");
        assertMessage(badIssuer, "denyList.issuer: must be a 0x-prefixed 20-byte hex address");

        Map<String, String> tooOld = minimal();
        tooOld.put("denyList.maxAgeHours", "0");
        assertMessage(tooOld, "denyList.maxAgeHours: must be between 1 and 720");

        Map<String, String> oldKey = minimal();
        oldKey.put("storage.denyList", "/var/lib/heitje/deny-list.txt");
        assertMessage(oldKey, "storage.denyList: is not a known setting");
    }

    @Test
    void secretsNeverAppearInTheRecordsText() {
        TerminalConfig config = TerminalConfig.load(write(minimal()));
        assertTrue(!config.toString().contains("abababab") && !config.toString().contains("0123456789abcdef"));
    }

    @Test
    void merchantIdentityAndManagerPinHashAreReadAndValidated() {
        String hash = "pbkdf2-sha256$210000$" + "A".repeat(22) + "==$" + "B".repeat(43) + "=";
        Map<String, String> values = minimal();
        values.put("merchant.name", "Bakkerij De Heit");
        values.put("merchant.kvk", "12345678");
        values.put("manager.pinHash", hash);
        TerminalConfig config = TerminalConfig.load(write(values));
        assertEquals(Optional.of("Bakkerij De Heit"), config.merchant().name());
        assertEquals(Optional.of("12345678"), config.merchant().kvk());
        assertEquals(Optional.of(hash), config.manager().pinHash());
        assertTrue(!config.toString().contains(hash), "the hash stays out of the record's text");
        assertTrue(TerminalConfig.load(write(minimal())).manager().pinHash().isEmpty(), "both are optional");

        values.put("merchant.kvk", "1234567");
        assertMessage(values, "merchant.kvk");
        values.put("merchant.kvk", "12345678");
        values.put("manager.pinHash", hash.replace("210000", "1000"));
        assertMessage(values, "manager.pinHash");
        values.put("manager.pinHash", "123456");
        assertMessage(values, "manager.pinHash");
    }

    /** The Heitje and another city's coin on a second chain, with six decimals, limits and rules of its own. */
    private Map<String, String> twoPurses() {
        Map<String, String> values = minimal();
        values.put("tokens", "HEIT,MSTR");
        values.put("token.MSTR.chainId", "31338");
        values.put("token.MSTR.contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        values.put("token.MSTR.name", "Mestreechter Sjtuver");
        values.put("token.MSTR.version", "1");
        values.put("token.MSTR.decimals", "6");
        values.put("chain.31338.rpcUrl", "http://127.0.0.1:9545");
        return values;
    }

    @Test
    void eachPurseHasItsOwnChainLimitsAndRulesWithTheTerminalWideDefaultsInItsOwnDecimals() {
        Map<String, String> values = twoPurses();
        values.put("offline.maxPerPayment", "12.50");
        values.put("token.MSTR.offline.maxCount", "7");
        values.put("token.MSTR.maxUnsettledOnline", "100");
        values.put("token.MSTR.issuer", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
        values.put("token.MSTR.rulesUrl", "https://rules.example/mstr.txt");
        values.put("chain.31338.batchContract", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
        values.put("merchant.category", "horeca");

        TerminalConfig config = TerminalConfig.load(write(values));

        TerminalConfig.TokenSettings heit = config.tokens().get(0);
        TerminalConfig.TokenSettings mstr = config.tokens().get(1);
        assertEquals(12_50, heit.limits().maxPerPayment());
        assertEquals(12_500_000, mstr.limits().maxPerPayment(), "the terminal-wide 12.50 in six decimals");
        assertEquals(7, mstr.limits().maxCount());
        assertEquals(200, heit.limits().maxCount());
        assertEquals(100_000_000, mstr.limits().maxUnsettledOnline());
        assertEquals(java.util.Optional.of("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), mstr.issuer());
        assertTrue(heit.issuer().isEmpty());
        assertEquals(java.net.URI.create("http://127.0.0.1:9545"), config.chain().endpoint(31338).rpcUrl());
        assertEquals(java.net.URI.create("http://127.0.0.1:8545"), config.chain().endpoint(31337).rpcUrl());
        assertEquals(2, config.chain().endpoints().size());
        assertEquals(java.util.Optional.of("horeca"), config.merchant().category());
    }

    @Test
    void aPurseOnAChainWithoutAnEndpointIsRefusedByItsKey() {
        Map<String, String> values = twoPurses();
        values.remove("chain.31338.rpcUrl");
        assertMessage(values, "chain.31338.rpcUrl");
    }

    @Test
    void aPurseThatCannotPayACentOrCountTheLargestPaymentIsRefused() {
        Map<String, String> values = twoPurses();
        values.put("token.MSTR.decimals", "1");
        assertMessage(values, "token.MSTR.decimals");
        values.put("token.MSTR.decimals", "18");
        assertMessage(values, "token.MSTR.offline.maxPerPayment: 25.00 at 18 decimals is more base units");
        for (String limit : List.of("offline.maxPerPayment", "offline.maxPerPayerPerDay", "offline.maxTotalExposure",
                "maxUnsettledOnline")) {
            values.put("token.MSTR." + limit, "9");
        }
        assertMessage(values, "token.MSTR.decimals");
        values.put("till.maxPerPayment", "9.00");
        assertEquals(18, TerminalConfig.load(write(values)).tokens().get(1).decimals(), "9.00 at 18 decimals fits");
    }

    @Test
    void spendingRulesComeOnlyFromAnIssuerOverATrustedTransport() {
        Map<String, String> values = twoPurses();
        values.put("token.MSTR.rulesUrl", "https://rules.example/mstr.txt");
        assertMessage(values, "token.MSTR.issuer");
        values.put("token.MSTR.issuer", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
        values.put("token.MSTR.rulesUrl", "http://rules.example/mstr.txt");
        assertMessage(values, "token.MSTR.rulesUrl");
        values.put("token.MSTR.rulesUrl", "https://rules.example/mstr.txt");
        values.put("merchant.category", "Horeca!");
        assertMessage(values, "merchant.category");
        values.put("merchant.category", "horeca");
        values.put("tokens", "HEIT,MSTR,HEIT");
        assertMessage(values, "tokens");
    }

    private void assertMessage(Map<String, String> values, String expected) {
        Path file = write(values);
        ConfigException error = assertThrows(ConfigException.class, () -> TerminalConfig.load(file));
        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void theHolderSnapshotIsKeptBesideTheJournalAndHasDocumentedDefaults() {
        Map<String, String> values = minimal();
        values.put("storage.journal", dir.resolve("data/journal.db").toString());
        TerminalConfig config = TerminalConfig.load(write(values));

        assertEquals(dir.resolve("data").resolve(TerminalConfig.SNAPSHOT_FILE), config.snapshot().file());
        assertEquals(12, config.snapshot().confirmations());
        assertEquals(2000, config.snapshot().logRangeBlocks());
        assertEquals(Duration.ofDays(1), config.offline().maxSnapshotAge());
        assertEquals(0, config.primaryToken().deployBlock(), "without a deploy block the sync reads from genesis");
    }

    @Test
    void readsTheHolderSnapshotKeys() {
        Map<String, String> values = minimal();
        values.put("snapshot.confirmations", "0");
        values.put("snapshot.logRangeBlocks", "10");
        values.put("offline.maxSnapshotAgeSeconds", "3600");
        values.put("token.HEIT.deployBlock", "37000123");
        TerminalConfig config = TerminalConfig.load(write(values));

        assertEquals(0, config.snapshot().confirmations());
        assertEquals(10, config.snapshot().logRangeBlocks());
        assertEquals(Duration.ofHours(1), config.offline().maxSnapshotAge());
        assertEquals(37_000_123, config.primaryToken().deployBlock());
    }

    @Test
    void holderSnapshotErrorsNameTheFileAndTheKey() {
        Map<String, String> noRange = minimal();
        noRange.put("snapshot.logRangeBlocks", "0");
        assertMessage(noRange, "snapshot.logRangeBlocks: must be between 1 and 1000000, is 0");

        Map<String, String> negativeDepth = minimal();
        negativeDepth.put("snapshot.confirmations", "-1");
        assertMessage(negativeDepth, "snapshot.confirmations: must be between 0 and 1000, is -1");

        Map<String, String> tooYoung = minimal();
        tooYoung.put("offline.maxSnapshotAgeSeconds", "5");
        assertMessage(tooYoung, "offline.maxSnapshotAgeSeconds: must be between 60 and 2592000, is 5");

        Map<String, String> notABlock = minimal();
        notABlock.put("token.HEIT.deployBlock", "latest");
        assertMessage(notABlock, "token.HEIT.deployBlock: must be a whole number, is \"latest\"");
    }

    private Map<String, String> withKeystore() throws java.io.IOException {
        Map<String, String> values = minimal();
        values.remove("settlement.privateKey");
        java.nio.file.Files.writeString(dir.resolve("keystore.json"), "{}");
        java.nio.file.Files.writeString(dir.resolve("password"), "a long enough password\n");
        values.put("settlement.keystore", "keystore.json");
        values.put("settlement.passwordFile", dir.resolve("password").toString());
        return values;
    }

    @Test
    void aKeystoreIsFoundBesideTheConfigWithItsPasswordFile() throws Exception {
        Path file = write(withKeystore());
        TerminalConfig.SettlementKey key = TerminalConfig.load(file, Map.of()).settlement().key();
        assertEquals(new TerminalConfig.KeystoreKey(file, dir.resolve("keystore.json"), dir.resolve("password")), key);
        assertEquals("a long enough password", PasswordFile.read(dir.resolve("password")), "one line end is dropped");
    }

    @Test
    void withoutAPasswordFileTheSystemdCredentialIsUsed() throws Exception {
        Map<String, String> values = withKeystore();
        values.remove("settlement.passwordFile");
        Path credentials = java.nio.file.Files.createDirectory(dir.resolve("credentials"));
        java.nio.file.Files.writeString(credentials.resolve("heitje-keystore-password"), "a long enough password");
        Path file = write(values);

        var key = (TerminalConfig.KeystoreKey) TerminalConfig.load(file,
                Map.of("CREDENTIALS_DIRECTORY", credentials.toString())).settlement().key();
        assertEquals(credentials.resolve("heitje-keystore-password"), key.passwordFile());

        ConfigException noCredentials = assertThrows(ConfigException.class, () -> TerminalConfig.load(file, Map.of()));
        assertTrue(noCredentials.getMessage().startsWith(file + ": settlement.passwordFile: is required"),
                noCredentials.getMessage());
    }

    @Test
    void exactlyOneOfKeystoreAndPlainKeyIsSet() throws Exception {
        Map<String, String> both = withKeystore();
        both.put("settlement.privateKey", "0x" + "ab".repeat(32));
        Path file = write(both);
        ConfigException twice = assertThrows(ConfigException.class, () -> TerminalConfig.load(file, Map.of()));
        assertTrue(twice.getMessage().contains("settlement.privateKey: and settlement.keystore both set"),
                twice.getMessage());

        Map<String, String> neither = minimal();
        neither.remove("settlement.privateKey");
        Path second = write(neither);
        ConfigException none = assertThrows(ConfigException.class, () -> TerminalConfig.load(second, Map.of()));
        assertTrue(none.getMessage().startsWith(second + ": settlement.keystore: is required"), none.getMessage());
    }

    @Test
    void theDevKeyNeverShowsInTheSettlementText() {
        TerminalConfig config = TerminalConfig.load(write(minimal()));
        assertTrue(config.settlement().toString().contains("DevPrivateKey[<hidden>]"), config.settlement().toString());
        assertTrue(!config.settlement().toString().contains("abab"), config.settlement().toString());
    }

    @Test
    void theConfigIsWrittenForItsOwnerOnlyAndNeverThroughALink() throws Exception {
        Path victim = dir.resolve("victim");
        java.nio.file.Files.writeString(victim, "someone else's file");
        Path file = dir.resolve("terminal.properties");
        java.nio.file.Files.createSymbolicLink(file, victim);

        ConfigFile.write(file, minimal(), "test");

        assertEquals("someone else's file", java.nio.file.Files.readString(victim));
        assertTrue(!java.nio.file.Files.isSymbolicLink(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)));
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", TerminalConfig.load(file).merchant().address());
    }

    @Test
    void forAServiceGroupTheConfigIsWrittenReadableByItFromTheStart() throws Exception {
        Path file = dir.resolve("terminal.properties");

        ConfigFile.write(file, minimal(), "test", java.util.Optional.of("daemon"));

        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)));
        assertEquals("daemon", java.nio.file.Files.readAttributes(file,
                java.nio.file.attribute.PosixFileAttributes.class).group().getName());
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", TerminalConfig.load(file).merchant().address());
    }
}
