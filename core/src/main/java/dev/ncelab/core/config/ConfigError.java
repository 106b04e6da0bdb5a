package dev.ncelab.core.config;

/**
 * One problem in a configuration: where it is ({@code file:line}, or the command-line override), the dotted
 * key, and what was expected and found.
 */
public record ConfigError(String location, String key, String message) {
    @Override
    public String toString() {
        return (location == null || location.isEmpty() ? "" : location + " ") + (key.isEmpty() ? "" : key + ": ")
                + message;
    }
}
