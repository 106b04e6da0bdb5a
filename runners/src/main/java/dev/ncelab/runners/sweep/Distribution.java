package dev.ncelab.runners.sweep;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The W&B parameter distributions ({@code wandb/sweeps} {@code params.py}) and the keys each one takes. Grid
 * search accepts {@link #gridable() constant, categorical, int_uniform and q_uniform} only.
 */
enum Distribution {
    CONSTANT("value"),
    CATEGORICAL("values", "probabilities"),
    INT_UNIFORM("min", "max"),
    UNIFORM("min", "max"),
    Q_UNIFORM("min", "max", "q"),
    LOG_UNIFORM("min", "max"),
    LOG_UNIFORM_VALUES("min", "max"),
    INV_LOG_UNIFORM("min", "max"),
    INV_LOG_UNIFORM_VALUES("min", "max"),
    Q_LOG_UNIFORM("min", "max", "q"),
    Q_LOG_UNIFORM_VALUES("min", "max", "q"),
    NORMAL("mu", "sigma"),
    Q_NORMAL("mu", "sigma", "q"),
    LOG_NORMAL("mu", "sigma"),
    Q_LOG_NORMAL("mu", "sigma", "q"),
    BETA("a", "b"),
    Q_BETA("a", "b", "q");

    private final Set<String> keys;

    Distribution(String... keys) {
        this.keys = Set.of(keys);
    }

    /** The spec keys this distribution reads (besides {@code distribution}). */
    Set<String> keys() {
        return keys;
    }

    /** The name as written in YAML ({@code log_uniform_values}). */
    String yaml() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Distribution of(String yaml) {
        for (Distribution d : values()) {
            if (d.yaml().equals(yaml)) {
                return d;
            }
        }
        return null;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Distribution::yaml).toList();
    }

    boolean gridable() {
        return this == CONSTANT || this == CATEGORICAL || this == INT_UNIFORM || this == Q_UNIFORM;
    }

    boolean bounded() {
        return keys.contains("min");
    }

    /** Whether min and max are values that must be positive (their logarithm is taken). */
    boolean logOfValues() {
        return this == LOG_UNIFORM_VALUES || this == INV_LOG_UNIFORM_VALUES || this == Q_LOG_UNIFORM_VALUES;
    }

    boolean quantised() {
        return keys.contains("q");
    }
}
