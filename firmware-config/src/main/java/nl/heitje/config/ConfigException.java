// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.config;

import java.nio.file.Path;

/** A config file that cannot be used, naming the file and the key so the operator knows where to look. */
public final class ConfigException extends RuntimeException {
    public ConfigException(Path file, String key, String problem) {
        super(file + ": " + key + ": " + problem);
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
