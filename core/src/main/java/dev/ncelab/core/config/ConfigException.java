package dev.ncelab.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a configuration, reported at once. The CLI turns it into exit code 2. */
public final class ConfigException extends RuntimeException {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.size() + (errors.size() == 1 ? " configuration error" : " configuration errors") + ":\n  "
                + errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n  ")));
        this.errors = List.copyOf(errors);
    }

    public ConfigException(String location, String key, String message) {
        this(List.of(new ConfigError(location, key, message)));
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
