// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChainLinkTest {

    @Test
    void theFirstChainKeepsTheConfiguredContactFileAndEveryOtherChainHasASiblingOfItsOwn() {
        Path configured = Path.of("/var/lib/heitje/chain-contact");

        assertEquals(configured, ChainLink.contactFileOf(configured, 31337, true));
        assertEquals(Path.of("/var/lib/heitje/chain-contact-4242"), ChainLink.contactFileOf(configured, 4242, false));
        assertEquals(Path.of("/data/contact-100.json"),
                ChainLink.contactFileOf(Path.of("/data/contact.json"), 100, false));
    }
}
