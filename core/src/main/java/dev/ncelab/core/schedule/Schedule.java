package dev.ncelab.core.schedule;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who learns at each step. The driver asks for the first learner, then after every completed step for the next
 * one; a skipped (non-finite) step repeats its learner. A schedule may keep state (counters): it is checkpointed
 * through {@link #save} and {@link #load}.
 */
public interface Schedule extends dev.ncelab.core.plugin.Stateful {
    /** The players this schedule may pick, beyond the objective's first ({@code nce} needs none). */
    Set<String> needs();

    /** The learner of the first step, from the objective's players (their names, in order). */
    String first(List<String> players);

    /** The learner of the next step, after a completed step. */
    String next(Previous previous);

    /**
     * The step just completed.
     *
     * @param step its number (1-based), {@code epoch} its epoch (0-based)
     * @param metrics what the objective reported for it, measured before its update
     */
    record Previous(long step, int epoch, String learner, Map<String, Double> metrics) {
        /** A metric, or NaN when the objective does not report it. */
        public double metric(String name) {
            Double v = metrics.get(name);
            return v == null ? Double.NaN : v;
        }
    }

    @Override
    default void save(DataOutputStream out) throws IOException {}

    @Override
    default void load(DataInputStream in) throws IOException {}
}
