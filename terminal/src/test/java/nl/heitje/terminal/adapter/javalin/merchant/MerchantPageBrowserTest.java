// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin.merchant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import nl.heitje.terminal.support.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merchant's page in a real browser (headless Chromium, which .ci/run installs): log-in, the sales list, the CSV
 * export and the payout statement, each page photographed at a phone's and a desktop's width into
 * {@code target/merchant-web/} and checked for sideways scrolling at both.
 */
class MerchantPageBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "merchant-web");
    private static final int PHONE_WIDTH = 390;
    private static final int PHONE_HEIGHT = 844;
    private static final int DESKTOP_WIDTH = 1280;
    private static final int DESKTOP_HEIGHT = 800;

    @TempDir
    static Path browserDir;
    private static HeadlessChromium chromium;

    @TempDir
    Path dir;
    private MerchantShop shop;
    private HeadlessChromium.Tab tab;

    @BeforeAll
    static void launch() throws Exception {
        Optional<Path> executable = HeadlessChromium.executable();
        Assumptions.assumeTrue(executable.isPresent(), "Chromium is not installed (apt-get install chromium; .ci/run"
                + " installs it): the merchant page's browser test is skipped");
        chromium = HeadlessChromium.launch(executable.get(), browserDir.resolve("profile"));
    }

    @AfterAll
    static void quit() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        shop = new MerchantShop(dir);
        shop.aDayOfBusiness();
        tab = chromium.newTab();
        tab.viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
    }

    @AfterEach
    void close() {
        shop.close();
    }

    @Test
    void logsInWithThePasswordAndListsTheDaysSales() throws Exception {
        tab.open(shop.base() + "/merchant/sales?day=2026-11-02");
        assertEquals("/merchant/login", tab.evaluate("location.pathname").asText(), "no session: to the log-in");
        photograph("login");

        logIn("not the password");
        assertEquals("That password is not right.", tab.evaluate("document.getElementById('problem').innerText")
                .asText());

        logIn(MerchantShop.PASSWORD);
        assertEquals("/merchant/sales", tab.evaluate("location.pathname").asText());
        tab.open(shop.base() + "/merchant/sales?day=2026-11-02");
        JsonNode rows = tab.evaluate("[...document.querySelectorAll('#sales tbody tr')].map(r => r.innerText)");
        assertEquals(4, rows.size(), rows.toString());
        String sales = rows.toString();
        assertTrue(sales.contains("till-1001") && sales.contains("settled"), sales);
        assertTrue(sales.contains("offline"), sales);
        assertTrue(sales.contains("settlement failed: nonce <b>spent</b> elsewhere"), sales);
        assertTrue(sales.contains("<script>alert('ref')</script>"), "shown as text: " + sales);
        assertEquals(0, tab.evaluate("document.scripts.length + document.images.length").asInt(),
                "nothing an outsider wrote became an element");
        assertEquals("€ 25.25", tab.evaluate("document.querySelector('#purse-totals tbody td:last-child').innerText")
                .asText().replace('\u00a0', ' '));
        photograph("sales");
    }

    @Test
    void exportsTheSalesAsCsvWithTheSessionCookie() throws Exception {
        tab.open(shop.base() + "/merchant/login");
        logIn(MerchantShop.PASSWORD);
        tab.open(shop.base() + "/merchant/sales?day=2026-11-02");

        JsonNode csv = tab.evaluate("fetch(document.getElementById('sales-csv').href).then(async r => "
                + "({status: r.status, type: r.headers.get('Content-Type'), "
                + "disposition: r.headers.get('Content-Disposition'), body: await r.text()}))");

        assertEquals(200, csv.get("status").asInt());
        assertTrue(csv.get("type").asText().startsWith("text/csv"), csv.toString());
        assertEquals("attachment; filename=\"sales-2026-11-02.csv\"", csv.get("disposition").asText());
        String[] lines = csv.get("body").asText().split("\r\n");
        assertEquals(5, lines.length, csv.toString());
        assertTrue(lines[0].startsWith("payment_id,reference,"), lines[0]);
        Files.createDirectories(SCREENSHOTS);
        Files.writeString(SCREENSHOTS.resolve("sales-2026-11-02.csv"), csv.get("body").asText());
    }

    @Test
    void showsThePayoutStatementPerIssuerAndPurse() throws Exception {
        tab.open(shop.base() + "/merchant/login");
        logIn(MerchantShop.PASSWORD);

        tab.open(shop.base() + "/merchant/payout?month=2026-11");

        String purses = tab.evaluate("document.querySelector('#payout-purses tbody').innerText").asText()
                .replace('\u00a0', ' ');
        assertTrue(purses.contains("HEIT") && purses.contains("€ 4.50 (1)") && purses.contains("€ 12.75 (1)")
                && purses.contains("€ 8.00 (1)"), purses);
        String issuers = tab.evaluate("document.querySelector('#payout-issuers tbody').innerText").asText();
        assertTrue(issuers.contains("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), issuers);
        JsonNode csv = tab.evaluate("fetch(document.getElementById('payout-csv').href).then(async r => "
                + "({status: r.status, body: await r.text()}))");
        assertEquals(200, csv.get("status").asInt());
        assertTrue(csv.get("body").asText().contains(",HEIT,"), csv.toString());
        photograph("payout");

        tab.open(shop.base() + "/merchant/settlements?month=2026-11");
        assertEquals("https://explorer.example/tx/0x" + "ab".repeat(32),
                tab.evaluate("document.querySelector('#settlements a').href").asText());
        photograph("settlements");

        tab.open(shop.base() + "/merchant/failed");
        assertTrue(tab.evaluate("document.querySelector('#failed').innerText").asText().contains("till-1004"));
        photograph("failed");
    }

    /** Types the password into the form and presses the button, as a person would. */
    private void logIn(String password) throws Exception {
        tab.evaluate("document.getElementById('password').value = " + jsString(password));
        tab.leaving(() -> tab.evaluate("document.getElementById('log-in').click()"));
    }

    /** The page at both widths: a screenshot of each, and no sideways scrolling at either. */
    private void photograph(String name) throws Exception {
        for (boolean phone : new boolean[] {true, false}) {
            int width = phone ? PHONE_WIDTH : DESKTOP_WIDTH;
            tab.viewport(width, phone ? PHONE_HEIGHT : DESKTOP_HEIGHT, phone);
            JsonNode size = tab.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})");
            assertEquals(width, size.get("inner").asInt(), name + ": the viewport took");
            assertTrue(size.get("scroll").asInt() <= size.get("inner").asInt(),
                    name + " scrolls sideways at " + width + " px: " + size);
            tab.screenshot(SCREENSHOTS.resolve(name + "-" + (phone ? "phone" : "desktop") + ".png"));
        }
        tab.viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
    }

    private static String jsString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
