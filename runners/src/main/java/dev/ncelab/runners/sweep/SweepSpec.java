package dev.ncelab.runners.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A sweep file, validated: W&B's sweep format plus {@code experiment} (relative to the file), {@code
 * overrides} (fixed {@code key=value} for every point) and {@code seed} (of the random search).
 *
 * @param parameters flattened to dotted keys, in W&B order (sorted by name at each nesting level)
 * @param metric null when the file names none (the table then keeps the index order)
 * @param runCap null when absent
 */
record SweepSpec(String name, Path file, Path experiment, Method method, Metric metric, List<ParamSpec> parameters,
        Integer runCap, long seed, List<String> overrides) {

    /** The search methods run locally. */
    enum Method {
        GRID, RANDOM;

        String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether smaller or larger values of the metric are better. */
    enum Goal {
        MINIMIZE, MAXIMIZE;

        String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether {@code a} is better than {@code b}. */
        boolean better(double a, double b) {
            return this == MINIMIZE ? a < b : a > b;
        }
    }

    /** The summary figure to rank points by. */
    record Metric(String name, Goal goal) {}
}
