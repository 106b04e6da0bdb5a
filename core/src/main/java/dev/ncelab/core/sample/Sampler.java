package dev.ncelab.core.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ncelab.core.model.EnergyModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Draws points from an energy model's density exp(-f(x)) by MCMC (Langevin dynamics first). Used by the
 * {@code cd} objective, by {@code ncelab sample} and by multi-cell imputation.
 *
 * <p>A sampler runs under its own sub-managers and its own gradient scope: call it outside any open gradient
 * collector. What it returns lives in {@code into}, carries no gradient, and leaves no gradient behind in the
 * energy model's parameters.
 */
public interface Sampler extends dev.ncelab.core.plugin.Stateful {
    /** Draws n points, shape (n, D), from the sampler's own initialisation (noise model, box, replay buffer). */
    NDArray sample(NDManager into, EnergyModel energy, int n, Random random);

    /**
     * Runs chains from given points, moving only the coordinates where {@code free} is 1 (the others stay
     * fixed: imputation of missing cells).
     *
     * @param start points (n, D)
     * @param free a 0/1 mask of the same shape
     */
    NDArray sampleFrom(NDManager into, EnergyModel energy, NDArray start, NDArray free, Random random);

    /** Saves the state that must survive a resume (persistent chains); nothing by default. */
    @Override
    default void save(DataOutputStream out) throws IOException {}

    @Override
    default void load(DataInputStream in) throws IOException {}
}
