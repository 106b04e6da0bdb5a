package dev.ncelab.core.objective;

import ai.djl.ndarray.NDArray;

/**
 * A contrastive objective: a pure function of log p (the EBM) and log q (the noise) on a data batch and on
 * the noise batch drawn for it. The energy model maximises the value; a trainable noise model minimises it.
 */
public interface Objective {
    /** Noise points drawn per data point (nu for NCE, K-1 for ranking NCE). */
    int noisePerDataPoint();

    /**
     * @param logpData log p(x) on data, shape (B)
     * @param logqData log q(x) on data, shape (B)
     * @param logpNoise log p on the noise points, shape (B * noisePerDataPoint)
     * @param logqNoise log q on the noise points, same shape
     */
    Terms evaluate(NDArray logpData, NDArray logqData, NDArray logpNoise, NDArray logqNoise);

    /** Whether the objective determines c = log Z (ranking NCE does not: c cancels). */
    default boolean identifiesLogZ() {
        return true;
    }
}
