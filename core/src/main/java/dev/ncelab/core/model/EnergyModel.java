package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;

/**
 * An energy-based model: log p(x) = -f(x) - c, with c = log Z learned (or fixed at 0 when self-normalised).
 *
 * <p>Implementations compute from their {@link ParameterSet}; during a step the loop has lent those arrays to
 * the step's manager, so results are freed with the step.
 */
public interface EnergyModel {
    ParameterSet parameters();

    /** log p(x) = -f(x) - c for a batch (B, D), shape (B). */
    NDArray logDensity(NDArray x);

    /** The current c (log Z), or 0 when it is fixed. */
    double logZ();

    /** Whether c is learned; ranking objectives cannot identify it. */
    boolean learnsLogZ();

    /**
     * Adds delta to c (calibration of log Z from an estimate of the normaliser). Returns false when the model has
     * no c to move (self-normalised), which is the default.
     */
    default boolean shiftLogZ(double delta) {
        return false;
    }
}
