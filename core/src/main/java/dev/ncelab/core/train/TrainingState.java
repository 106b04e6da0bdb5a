package dev.ncelab.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Where training stands: everything a checkpoint saves about the driver itself. */
public final class TrainingState {
    /** Steps done. */
    public long step;
    /** The current epoch (0-based). */
    public int epoch;
    /** The position in this epoch's shuffled order. */
    public int position;
    /** The learner of the next step. */
    public String next;
    /** Completed steps per player. */
    public final Map<String, Long> playerSteps = new LinkedHashMap<>();
    /** Skipped (non-finite) steps, in all and in a row. */
    public long nonfinite;
    public int consecutiveNonfinite;
    /** Seconds of training, over every resume. */
    public double seconds;
    int[] order;
    Random shuffle;
    Random objective;

    /** The fraction of completed steps in which the energy model learned (1 for NCE). */
    public double energyFraction() {
        long all = playerSteps.values().stream().mapToLong(Long::longValue).sum();
        return (double) playerSteps.getOrDefault("energy", 0L) / Math.max(1, all);
    }
}
