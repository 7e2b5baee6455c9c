// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.heitje.config.TerminalConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * {@code provision init} as a merchant meets it without flags: on a real terminal (tmux), answering each prompt,
 * the password typed twice without echo, against a real anvil chain. The prompts are answered by what they ask,
 * not by their order, and an unexpected prompt fails the test with the screen.
 */
class ProvisionInteractiveIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String PASSWORD = "a password for the counter";
    private static final Pattern EXIT = Pattern.compile("EXIT=([0-9]+)");
    private static LocalChain chain;
    @TempDir
    Path dir;
    private final String server = "heitje-it-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(EthersSigner.chainDir());
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @AfterEach
    void stopTmux() throws Exception {
        run("tmux", "-L", server, "kill-server");
    }

    @Test
    void aMerchantAnswersThePromptsAndGetsATerminalWhoseKeystoreOpensWithThePasswordTyped() throws Exception {
        Path terminalDir = dir.resolve("counter");
        Map<String, String> answers = answers(terminalDir, PASSWORD, PASSWORD);

        String screen = provisionInteractively(answers);

        assertEquals("0", exitOf(screen), screen);
        Matcher address = Pattern.compile("terminal address: (0x[0-9a-f]{40})").matcher(screen);
        assertTrue(address.find(), screen);
        assertFalse(screen.contains(PASSWORD), "the password is never echoed");
        Credentials opened = WalletUtils.loadCredentials(PASSWORD, terminalDir.resolve("keystore.json").toFile());
        assertEquals(address.group(1), opened.getAddress());
        Path config = terminalDir.resolve("terminal.properties");
        assertTrue(Files.readString(config, StandardCharsets.UTF_8).contains("merchant.name=Caf"), "config written");
        assertEquals("12345678", TerminalConfig.load(config, Map.of("CREDENTIALS_DIRECTORY", dir.toString()))
                .merchant().kvk().orElseThrow());
    }

    @Test
    void twoDifferentPasswordsEndTheRunWithNothingWritten() throws Exception {
        Path terminalDir = dir.resolve("counter");

        String screen = provisionInteractively(answers(terminalDir, PASSWORD, PASSWORD + "!"));

        assertEquals("1", exitOf(screen), screen);
        assertTrue(screen.contains("provision: the two passwords differ"), screen);
        assertFalse(Files.exists(terminalDir.resolve("keystore.json")));
        assertFalse(Files.exists(terminalDir.resolve("terminal.properties")));
    }

    /** What a merchant types for each prompt, found by a piece of the prompt's text. */
    private static Map<String, String> answers(Path terminalDir, String password, String again) throws IOException {
        Files.createDirectory(terminalDir); // the installer makes it, with its owner and mode (docs/onboarding.md)
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("terminal directory", terminalDir.toString());
        answers.put("shop name", "Café De Heit");
        answers.put("KvK number", "12345678");
        answers.put("payout address", LocalChain.MERCHANT.getAddress());
        answers.put("chain RPC URL", chain.rpcUrl());
        answers.put("token contract", chain.token());
        answers.put("keystore password", password);
        answers.put("the same password again", again);
        return answers;
    }

    /** Runs {@code provision init} in a fresh tmux server and answers each prompt as it appears; the final screen. */
    private String provisionInteractively(Map<String, String> answers) throws Exception {
        Path script = dir.resolve("provision-init.sh");
        Files.writeString(script, "#!/bin/sh\nexec java -cp '" + System.getProperty("java.class.path")
                + "' nl.heitje.provisioning.Provision init\n");
        script.toFile().setExecutable(true);
        run("tmux", "-L", server, "new-session", "-d", "-x", "160", "-y", "50",
                "sh -c '" + script + "; echo EXIT=$?; sleep 600'");
        List<String> answered = new ArrayList<>();
        Instant deadline = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            String screen = capture();
            if (EXIT.matcher(screen).find()) {
                return screen;
            }
            String prompt = lastLine(screen);
            if (prompt.endsWith(":") && !answered.contains(prompt)) {
                String answer = answers.entrySet().stream().filter(e -> prompt.contains(e.getKey()))
                        .map(Map.Entry::getValue).findFirst()
                        .orElseThrow(() -> new AssertionError("an unexpected prompt \"" + prompt + "\":\n" + screen));
                run("tmux", "-L", server, "send-keys", "-t", "0", "-l", answer);
                run("tmux", "-L", server, "send-keys", "-t", "0", "Enter");
                answered.add(prompt);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("provision init did not end within " + DEADLINE.toSeconds() + " s:\n" + capture());
    }

    private String capture() throws Exception {
        return run("tmux", "-L", server, "capture-pane", "-p", "-t", "0", "-S", "-100");
    }

    private static String lastLine(String screen) {
        String[] lines = screen.stripTrailing().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    private static String exitOf(String screen) {
        Matcher exit = EXIT.matcher(screen);
        return exit.find() ? exit.group(1) : "none";
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
