package dev.ncelab.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/** The gradient of an energy model's log density with respect to its input, for samplers. */
public final class InputGradient {
    private InputGradient() {}

    /**
     * d log p(x) / dx for a batch (B, D), shape (B, D), in x's manager, with no graph attached. The model's
     * parameters record no gradient meanwhile (their previous learning state is restored). Must be called
     * outside any open gradient collector: the engine allows one at a time.
     */
    public static NDArray of(EnergyModel energy, NDArray x) {
        ParameterSet params = energy.parameters();
        Boolean wasLearning = params.learning();
        params.setLearning(false);
        try {
            NDArray in = x.duplicate();
            in.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(energy.logDensity(in).sum());
            }
            NDArray g = in.getGradient().duplicate();
            in.setRequiresGradient(false);
            return g;
        } finally {
            if (wasLearning != null) {
                params.setLearning(wasLearning);
            }
        }
    }
}
