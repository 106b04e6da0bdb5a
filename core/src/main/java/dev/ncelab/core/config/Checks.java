package dev.ncelab.core.config;

import java.util.List;

/** Range checks for the compact constructors of configuration records. Keys are given in snake_case. */
public final class Checks {
    private Checks() {}

    public static void positive(String key, double value) {
        if (!(value > 0)) {
            throw new InvalidValueException(key, "expected a number > 0, found " + value);
        }
    }

    public static void nonNegative(String key, double value) {
        if (!(value >= 0)) {
            throw new InvalidValueException(key, "expected a number >= 0, found " + value);
        }
    }

    public static void inRange(String key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new InvalidValueException(key, "expected a number in [" + lo + ", " + hi + "], found " + value);
        }
    }

    public static void nonEmpty(String key, List<?> value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidValueException(key, "expected a non-empty list, found " + value);
        }
    }

    public static void that(boolean ok, String key, String message) {
        if (!ok) {
            throw new InvalidValueException(key, message);
        }
    }
}
