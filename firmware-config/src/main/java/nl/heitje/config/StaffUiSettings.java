// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The staff text UI: the language its words are in, the product presets behind its quick keys, and the staff who
 * may sign in with a PIN (kept only as a slow salted hash, like {@code manager.pinHash}).
 *
 * @param language        {@code nl} or {@code en} ({@code staffUi.language})
 * @param presets         by quick key 1 to 9 ({@code staffUi.preset.<key>=<name>;<price>;<category>})
 * @param staff           ({@code staffUi.staff.<name>.pinHash}, {@code staffUi.staff.<name>.role})
 * @param maxPinFailures  wrong sign-in PINs in a row before sign-in is locked ({@code staffUi.maxPinFailures})
 * @param lockout         how long it stays locked ({@code staffUi.lockoutSeconds})
 */
public record StaffUiSettings(String language, List<Preset> presets, List<StaffMember> staff, int maxPinFailures,
                              Duration lockout) {
    public static final StaffUiSettings DEFAULTS = new StaffUiSettings("nl", List.of(), List.of(), 5,
            Duration.ofMinutes(5));

    private static final Pattern PRESET_KEY = Pattern.compile("staffUi\\.preset\\.([1-9])");
    private static final Pattern STAFF_KEY = Pattern.compile("staffUi\\.staff\\.([a-z][a-z0-9_-]{0,19})\\.(pinHash|role)");
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern PRICE = Pattern.compile("(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?");

    /** What a staff member may do: a manager also closes the day and voids. */
    public enum Role { STAFF, MANAGER }

    /** @param category the basket category its price counts under; empty for none (every purse may pay it) */
    public record Preset(int key, String name, long cents, Optional<String> category) {
    }

    public record StaffMember(String name, Role role, String pinHash) {
        @Override
        public String toString() {
            return "StaffMember[" + name + ", " + role + ", pinHash=<hidden>]";
        }
    }

    public StaffUiSettings {
        presets = List.copyOf(presets);
        staff = List.copyOf(staff);
    }

    static StaffUiSettings read(ConfigFile file) {
        String language = file.text("staffUi.language", "nl");
        if (!language.equals("nl") && !language.equals("en")) {
            throw new ConfigException(file.path(), "staffUi.language", "must be nl or en, is \"" + language + "\"");
        }
        List<Preset> presets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String key : file.keysStartingWith("staffUi.")) {
            Matcher preset = PRESET_KEY.matcher(key);
            Matcher member = STAFF_KEY.matcher(key);
            if (preset.matches()) {
                presets.add(preset(file, key, Integer.parseInt(preset.group(1))));
            } else if (member.matches() && !names.contains(member.group(1))) {
                names.add(member.group(1));
            }
        }
        List<StaffMember> staff = new ArrayList<>();
        for (String name : names) {
            String prefix = "staffUi.staff." + name + ".";
            String hash = file.text(prefix + "pinHash");
            if (!isPinHash(hash)) {
                throw new ConfigException(file.path(), prefix + "pinHash", "is not a pbkdf2-sha256 hash of at least "
                        + TerminalConfig.MIN_PIN_ITERATIONS + " iterations");
            }
            String role = file.text(prefix + "role", "staff");
            if (!role.equals("staff") && !role.equals("manager")) {
                throw new ConfigException(file.path(), prefix + "role", "must be staff or manager, is \"" + role + "\"");
            }
            staff.add(new StaffMember(name, Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)), hash));
        }
        return new StaffUiSettings(language, presets, staff,
                (int) file.integer("staffUi.maxPinFailures", 5, 1, 20),
                Duration.ofSeconds(file.integer("staffUi.lockoutSeconds", 300, 10, 86_400)));
    }

    private static Preset preset(ConfigFile file, String key, int quickKey) {
        String[] parts = file.text(key).split(";", -1);
        String name = parts[0].trim();
        if (parts.length < 2 || parts.length > 3 || name.isEmpty() || name.length() > 20
                || !PRICE.matcher(parts[1].trim()).matches()) {
            throw new ConfigException(file.path(), key, "must be <name, 1 to 20 characters>;<price like 2.80>"
                    + "[;<category>]");
        }
        Optional<String> category = parts.length == 3 && !parts[2].isBlank() ? Optional.of(parts[2].trim())
                : Optional.empty();
        if (category.isPresent() && !CATEGORY.matcher(category.get()).matches()) {
            throw new ConfigException(file.path(), key, "has a category that is not 1 to 32 of a-z, 0-9 and '-'");
        }
        String[] price = parts[1].trim().split("\\.");
        long cents = Long.parseLong(price[0]) * 100 + (price.length == 1 ? 0
                : Long.parseLong(price[1]) * (price[1].length() == 1 ? 10 : 1));
        if (cents == 0) {
            throw new ConfigException(file.path(), key, "needs a price above 0.00");
        }
        return new Preset(quickKey, name, cents, category);
    }

    /** {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}, as {@code manager.pinHash}. */
    public static boolean isPinHash(String hash) {
        String[] parts = hash.split("\\$", -1);
        return parts.length == 4 && parts[0].equals("pbkdf2-sha256") && parts[1].matches("[0-9]{1,9}")
                && Integer.parseInt(parts[1]) >= TerminalConfig.MIN_PIN_ITERATIONS
                && parts[2].matches("[A-Za-z0-9+/=]{16,}") && parts[3].matches("[A-Za-z0-9+/=]{43,}");
    }
}
