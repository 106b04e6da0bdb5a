package dev.ncelab.core.experiment;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/** The {@code training:} section. */
public record TrainingConfig(
        @Param(doc = "passes over the training set", value = "50") int epochs,
        @Param(doc = "data points per step", value = "100") int batch,
        @Param(doc = "stop after this many steps (null: epochs x steps per epoch)", value = "null") Integer maxSteps,
        @Param(doc = "stop after this many seconds of training (null: no time limit)", value = "null")
                Double maxSeconds,
        @Param(doc = "learning rates of the two players") LearningRates lr,
        @Param(doc = "Adam's beta1 and beta2", value = "[0.9, 0.999]") List<Double> betas,
        @Param(doc = "intra-op threads of the engine (inter-op is always 1)", value = "1") int threads,
        @Param(doc = "steps between checkpoints (0: at the end of each epoch)", value = "0") int checkpointEvery,
        @Param(doc = "consecutive non-finite steps (skipped) before the run is stopped as diverged", value = "20")
                int maxNonfinite) {

    public TrainingConfig {
        Checks.positive("epochs", epochs);
        Checks.positive("batch", batch);
        if (maxSteps != null) {
            Checks.positive("max_steps", maxSteps);
        }
        if (maxSeconds != null) {
            Checks.positive("max_seconds", maxSeconds);
        }
        Checks.that(betas.size() == 2 && betas.stream().allMatch(b -> b >= 0 && b < 1), "betas",
                "expected two numbers in [0, 1), found " + betas);
        Checks.inRange("threads", threads, 1, 64);
        Checks.nonNegative("checkpoint_every", checkpointEvery);
        Checks.positive("max_nonfinite", maxNonfinite);
    }

    /** The {@code training.lr:} section. */
    public record LearningRates(
            @Param(doc = "Adam learning rate of the energy model", value = "1.0e-3") double energy,
            @Param(doc = "Adam learning rate of a trainable noise model (flow)", value = "7.0e-4") double noise) {
        public LearningRates {
            Checks.positive("energy", energy);
            Checks.positive("noise", noise);
        }

        /** The learning rate of a player ({@code energy} or {@code noise}). */
        public double of(String player) {
            return switch (player) {
                case "energy" -> energy;
                case "noise" -> noise;
                default -> throw new IllegalArgumentException("no learning rate for player '" + player
                        + "': training.lr has energy and noise");
            };
        }
    }
}
