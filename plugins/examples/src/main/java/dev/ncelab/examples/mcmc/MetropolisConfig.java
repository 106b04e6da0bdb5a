package dev.ncelab.examples.mcmc;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/** {@code sampler: {type: metropolis}}. */
public record MetropolisConfig(
        @Param(doc = "Metropolis steps per call", value = "30") int steps,
        @Param(doc = "standard deviation of the Gaussian random-walk proposal", value = "0.3") double stepSize,
        @Param(doc = "keep the chains from one call to the next (persistent contrastive divergence)",
                value = "true") boolean persistent,
        @Param(doc = "[low, high] of every coordinate for the chains' uniform starts", value = "[-4, 4]")
                List<Double> box) {
    public MetropolisConfig {
        Checks.inRange("steps", steps, 0, 1_000_000);
        Checks.positive("step_size", stepSize);
        Checks.that(box != null && box.size() == 2 && box.get(0) < box.get(1), "box",
                "expected [low, high] with low < high, found " + box);
    }
}
