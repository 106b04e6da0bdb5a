package dev.ncelab.core.config;

/**
 * Thrown by a configuration record's compact constructor when a value is out of range. The binder catches it
 * and reports it with the file, line and full dotted key.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private final String component;

    public InvalidValueException(String component, String message) {
        super(message);
        this.component = component;
    }

    /** The snake_case key, relative to the record that rejected it. */
    public String component() {
        return component;
    }
}
