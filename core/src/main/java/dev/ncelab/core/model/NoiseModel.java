package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * A noise density q: its log-density anywhere, and samples together with their log-density in one pass. A
 * trainable noise model (a flow) has parameters; a fixed one has none.
 */
public interface NoiseModel {
    int dimension();

    /** Empty for a fixed noise model. */
    ParameterSet parameters();

    default boolean trainable() {
        return !parameters().isEmpty();
    }

    /** log q(x) for a batch (B, D), shape (B). */
    NDArray logProb(NDArray x);

    /**
     * Draws n points into the manager. Base randomness comes from {@code random} (a seeded Java stream), so
     * runs repeat exactly; for a flow, the points are differentiable in its parameters (reparameterised).
     */
    NoiseSample sample(NDManager manager, int n, Random random);

    /** Steps of maximum-likelihood pre-training before contrastive training (flows only). */
    default int pretrainSteps() {
        return 0;
    }
}
