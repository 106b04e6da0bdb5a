package dev.ncelab.core.schedule;

/** What one training step does. */
public enum Move {
    /** The energy model takes a step to maximise the objective; the noise is a constant. */
    ENERGY,
    /** The noise model takes a step to minimise the objective (pathwise through its samples); the EBM is fixed. */
    NOISE,
    /** The noise model takes a maximum-likelihood step on the data; the EBM is not involved. */
    NOISE_MLE;

    public boolean trainsNoise() {
        return this != ENERGY;
    }

    /** The name written to metrics ({@code trained} column). */
    public String player() {
        return this == ENERGY ? "energy" : "noise";
    }
}
