// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.devices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real serial line for a serial-mode scanner, without hardware: socat's pair of pseudo-terminals, one end for
 * the terminal's serial adapter (jSerialComm), the other for whoever plays the scanner.
 */
public final class SocatPtys {
    private static final Pattern NAMED = Pattern.compile("PTY is (\\S+)");

    private SocatPtys() {
    }

    /** Starts socat; {@link #names(Process)} then says where its two ends are. */
    public static Process start() throws IOException {
        return new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
                .redirectErrorStream(true).start();
    }

    /** The two ptys socat made, as it logs them: the first for the terminal, the second for the scanner. */
    public static List<String> names(Process socat) throws IOException {
        List<String> ptys = new ArrayList<>();
        BufferedReader log = new BufferedReader(new InputStreamReader(socat.getInputStream(), StandardCharsets.UTF_8));
        while (ptys.size() < 2) {
            String line = log.readLine();
            if (line == null) {
                throw new IllegalStateException("socat ended before naming its ptys (is socat installed? apt-get"
                        + " install socat)");
            }
            Matcher pty = NAMED.matcher(line);
            if (pty.find()) {
                ptys.add(pty.group(1));
            }
        }
        return ptys;
    }
}
