package dev.ncelab.plugins.samplers;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/**
 * The {@code langevin} sampler: unadjusted Langevin dynamics on the EBM's log density,
 * x <- x + step_size / 2 * grad log p(x) + noise_scale * sqrt(step_size) * N(0, I).
 */
public record LangevinConfig(
        @Param(doc = "the step size epsilon of x <- x + epsilon/2 grad log p + noise_scale sqrt(epsilon) N(0, I)",
                value = "0.01") double stepSize,
        @Param(doc = "Langevin steps per chain", value = "200") int steps,
        @Param(doc = "the factor on the injected noise: 1 samples exp(-f); below 1 anneals towards the modes "
                + "(short-run samplers in the style of Du and Mordatch 2019 use about 0.005 with large steps)",
                value = "1.0") double noiseScale,
        @Param(doc = "clip each coordinate of grad log p to [-clip, clip] (null: no clipping)", value = "null")
                Double clipGrad,
        @Param(doc = "where chains start: noise (the run's noise model; uniform when there is none), uniform "
                + "(the box) or buffer (a persistent replay buffer, Du and Mordatch 2019)", value = "noise")
                Init init,
        @Param(doc = "the box [low, high] of every coordinate for uniform starts (model space); null: the training "
                + "data's per-coordinate range widened by 10% on each side ([-4, 4] without training data)",
                value = "null") List<Double> box,
        @Param(doc = "keep chains inside the box (clamp after each step)", value = "false") boolean clamp,
        @Param(doc = "points kept by the replay buffer (init: buffer)", value = "10000") int bufferSize,
        @Param(doc = "the chance that a chain drawn from the buffer restarts from a uniform point instead",
                value = "0.05") double reinitProbability) {
    public LangevinConfig {
        Checks.positive("step_size", stepSize);
        Checks.inRange("steps", steps, 0, 1_000_000);
        Checks.nonNegative("noise_scale", noiseScale);
        if (clipGrad != null) {
            Checks.positive("clip_grad", clipGrad);
        }
        if (box != null) {
            Checks.that(box.size() == 2 && box.get(0) < box.get(1), "box",
                    "expected [low, high] with low < high, found " + box);
        }
        Checks.inRange("buffer_size", bufferSize, 1, 10_000_000);
        Checks.inRange("reinit_probability", reinitProbability, 0, 1);
    }

    /** Where chains start. */
    public enum Init { NOISE, UNIFORM, BUFFER }
}
