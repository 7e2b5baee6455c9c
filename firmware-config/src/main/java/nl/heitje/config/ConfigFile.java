// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A {@code key=value} file (Java properties, UTF-8) with typed, validated reads. Every error names the file and
 * the key. Unknown keys are errors too: a misspelt limit must not silently fall back to its default.
 */
public final class ConfigFile {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private final Path path;
    private final Properties values;
    private final java.util.Set<String> read = new java.util.HashSet<>();

    private ConfigFile(Path path, Properties values) {
        this.path = path;
        this.values = values;
    }

    public static ConfigFile read(Path path) {
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            values.load(reader);
        } catch (IOException e) {
            throw new ConfigException(path, "cannot read config file", e);
        }
        return new ConfigFile(path, values);
    }

    /**
     * Writes keys in sorted order so the file diffs cleanly. The file holds secrets (the till API token), so it is
     * created readable by its owner only, never widened and then narrowed; a symbolic link in its place is removed,
     * not written through.
     */
    public static void write(Path path, Map<String, String> values, String header) {
        write(path, values, header, Optional.empty());
    }

    /** As {@link #write(Path, Map, String)}, readable also by {@code readerGroup} (mode 0640) when given. */
    public static void write(Path path, Map<String, String> values, String header, Optional<String> readerGroup) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(path);
            SecretFiles.create(path, readerGroup);
            try (Writer writer = new OutputStreamWriter(Files.newOutputStream(path, LinkOption.NOFOLLOW_LINKS,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), StandardCharsets.UTF_8)) {
                writer.write("# " + header + "\n");
                for (var entry : new TreeMap<>(values).entrySet()) {
                    writer.write(entry.getKey() + "=" + escape(entry.getValue()) + "\n");
                }
            }
        } catch (IOException e) {
            throw new ConfigException(path, "cannot write config file", e);
        }
    }

    public Path path() {
        return path;
    }

    public String text(String key) {
        return optionalText(key).orElseThrow(() -> new ConfigException(path, key, "is required"));
    }

    public Optional<String> optionalText(String key) {
        read.add(key);
        String value = values.getProperty(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The keys in the file under {@code prefix}, sorted; each still counts as unknown until it is read. */
    public java.util.SortedSet<String> keysStartingWith(String prefix) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        values.stringPropertyNames().stream().filter(key -> key.startsWith(prefix)).forEach(keys::add);
        return keys;
    }

    /** Whether the key is in the file at all, even with an empty value (which then means "none"). */
    public boolean isPresent(String key) {
        read.add(key);
        return values.getProperty(key) != null;
    }

    public String text(String key, String fallback) {
        return optionalText(key).orElse(fallback);
    }

    public long integer(String key, long fallback, long min, long max) {
        Optional<String> text = optionalText(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < min || value > max) {
                throw new ConfigException(path, key, "must be between " + min + " and " + max + ", is " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(path, key, "must be a whole number, is \"" + text.get() + "\"");
        }
    }

    /** {@code true} or {@code false}, nothing else: a typo must not silently mean either. */
    public boolean bool(String key, boolean fallback) {
        Optional<String> text = optionalText(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(path, key, "must be true or false, is \"" + text.get() + "\"");
        };
    }

    public long requiredInteger(String key, long min, long max) {
        text(key); // throws, naming the key, when it is missing

        return integer(key, 0, min, max);
    }

    /** A decimal amount such as {@code 25.00}, in base units of a token with these decimals. */
    public long amount(String key, String fallback, int decimals) {
        String text = text(key, fallback);
        try {
            BigDecimal value = new BigDecimal(text);
            if (value.signum() < 0 || value.scale() > decimals) {
                throw new ConfigException(path, key, "must be a non-negative amount with at most " + decimals
                        + " decimals, is " + text);
            }
            BigDecimal units = value.movePointRight(decimals);
            if (units.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new ConfigException(path, key, text + " at " + decimals + " decimals is more base units than"
                        + " this terminal counts (at most 2^63 - 1)");
            }
            return units.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(path, key, "must be an amount like 25.00, is \"" + text + "\"");
        }
    }

    public String address(String key) {
        String text = text(key);
        if (!ADDRESS.matcher(text).matches()) {
            throw new ConfigException(path, key, "must be a 0x-prefixed 20-byte hex address, is \"" + text + "\"");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    public Optional<String> optionalAddress(String key) {
        return optionalText(key).map(ignored -> address(key));
    }

    public URI uri(String key) {
        String text = text(key);
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException(path, key, "must be an http or https URL, is \"" + text + "\"");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, key, "is not a URL: \"" + text + "\"");
        }
    }

    /** Call once everything was read: any key nobody asked for is a typo or a leftover, and is refused. */
    public void requireNoUnknownKeys() {
        for (String key : values.stringPropertyNames()) {
            if (!read.contains(key)) {
                throw new ConfigException(path, key, "is not a known setting");
            }
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
    }
}
