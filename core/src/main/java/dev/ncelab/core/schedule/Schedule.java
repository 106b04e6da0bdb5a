package dev.ncelab.core.schedule;

/**
 * Who learns next. A schedule is a pure rule: the loop keeps the next move (and saves it in checkpoints), and
 * asks the schedule after every step what the following one is.
 */
public interface Schedule {
    /** The move of the first step. */
    Move first();

    /**
     * The next move.
     *
     * @param played what this step did
     * @param value this step's objective value, measured before its update
     * @param accuracy this step's classification accuracy, measured before its update
     */
    Move next(Move played, double value, double accuracy);

    /** Whether any move trains the noise model (then it must be trainable). */
    boolean trainsNoise();

    /** Whether any move trains the energy model (MLE of a flow alone does not). */
    default boolean trainsEnergy() {
        return true;
    }
}
