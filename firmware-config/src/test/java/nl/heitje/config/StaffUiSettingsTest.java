// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaffUiSettingsTest {
    private static final String HASH =
            "pbkdf2-sha256$210000$aGVpdGplLXNpbS1kZW1vIQ==$O3eav9WvJHDH7bibtNRb15SgOfNRLY0/RWQlchMg/oI=";

    @TempDir
    Path dir;

    private Map<String, String> minimal() {
        Map<String, String> values = MinimalConfig.values();
        return values;
    }

    private StaffUiSettings load(Map<String, String> values) {
        Path file = dir.resolve("terminal.properties");
        ConfigFile.write(file, values, "test");
        return TerminalConfig.load(file).staffUi();
    }

    @Test
    void withoutKeysItSpeaksDutchWithNoPresetsAndLocksAfterFiveWrongPins() {
        assertEquals(StaffUiSettings.DEFAULTS, load(minimal()));
    }

    @Test
    void readsPresetsStaffAndLockOut() {
        Map<String, String> values = minimal();
        values.put("staffUi.language", "en");
        values.put("staffUi.preset.1", "Pils;2.80;food");
        values.put("staffUi.preset.3", "Bitterballen;5.5");
        values.put("staffUi.staff.anna.pinHash", HASH);
        values.put("staffUi.staff.bob.pinHash", HASH);
        values.put("staffUi.staff.bob.role", "manager");
        values.put("staffUi.maxPinFailures", "3");
        values.put("staffUi.lockoutSeconds", "60");
        StaffUiSettings settings = load(values);
        assertEquals("en", settings.language());
        assertEquals(List.of(new StaffUiSettings.Preset(1, "Pils", 280, Optional.of("food")),
                new StaffUiSettings.Preset(3, "Bitterballen", 550, Optional.empty())), settings.presets());
        assertEquals(List.of(new StaffUiSettings.StaffMember("anna", StaffUiSettings.Role.STAFF, HASH),
                new StaffUiSettings.StaffMember("bob", StaffUiSettings.Role.MANAGER, HASH)), settings.staff());
        assertEquals(3, settings.maxPinFailures());
        assertEquals(Duration.ofSeconds(60), settings.lockout());
        assertFalse(settings.toString().contains(HASH), "PIN hashes stay out of the text of the settings");
    }

    @Test
    void refusesBadValuesByKey() {
        assertRefused("staffUi.language", "de", "staffUi.language");
        assertRefused("staffUi.preset.1", "Pils", "staffUi.preset.1");
        assertRefused("staffUi.preset.1", "Pils;2,80", "staffUi.preset.1");
        assertRefused("staffUi.preset.1", "Pils;0.00", "staffUi.preset.1");
        assertRefused("staffUi.preset.1", "Pils;2.80;Food!", "staffUi.preset.1");
        assertRefused("staffUi.preset.0", "Pils;2.80", "staffUi.preset.0");
        assertRefused("staffUi.staff.anna.pinHash", HASH.replace("210000", "1000"), "staffUi.staff.anna.pinHash");
        assertRefused("staffUi.staff.anna.role", "owner", "staffUi.staff.anna.pinHash");
        assertRefused("staffUi.maxPinFailures", "0", "staffUi.maxPinFailures");
    }

    private void assertRefused(String key, String value, String named) {
        Map<String, String> values = minimal();
        values.put(key, value);
        ConfigException error = assertThrows(ConfigException.class, () -> load(values));
        assertTrue(error.getMessage().contains(named), error.getMessage());
    }
}
