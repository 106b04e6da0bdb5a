package dev.ncelab.core.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/** What an objective sees of one training step. Everything it creates belongs to {@link #manager()}. */
public interface Step {
    /** The step's manager, closed when the step ends; the players' parameters are lent to it. */
    NDManager manager();

    /** The data batch, shape (B, D). */
    NDArray batch();

    /** The player that learns in this step; the others' parameters record no gradient. */
    String learner();

    /** The objective's random stream (noise draws, MCMC), derived from the run seed and checkpointed. */
    Random random();

    /**
     * Runs the forward pass with gradient recording on, reads the loss and metrics back once, and runs the
     * backward pass when the loss is finite. The engine allows one recording scope at a time, so nothing else
     * (sampling) may record inside {@code forward}.
     */
    Outcome record(Supplier<Terms> forward);

    /** The loss the learner minimises and the metrics (scalars, keyed as {@link Objective#metrics()}). */
    record Terms(NDArray loss, Map<String, NDArray> metrics) {}

    /** What a step leaves as Java numbers: the loss and each metric. */
    record Outcome(double loss, Map<String, Double> metrics) {}
}
