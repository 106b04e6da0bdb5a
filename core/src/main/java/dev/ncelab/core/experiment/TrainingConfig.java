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
        @Param(doc = "intra-op threads of the engine for training steps (inter-op is always 1); evaluations may use "
                + "all the cores the run is given, with the same numbers", value = "1") int threads,
        @Param(doc = "steps between checkpoints (0: at the end of each epoch)", value = "0") int checkpointEvery,
        @Param(doc = "consecutive non-finite steps (skipped) before the run is stopped as diverged", value = "20")
                int maxNonfinite,
        @Param(doc = "Polyak average of the energy model's parameters, decay per EBM step (e.g. 0.999; null: off); "
                + "the average is what is evaluated, plotted, logged and checkpointed beside the raw parameters",
                value = "null") Double ema,
        @Param(doc = "learning-rate schedule applied to each player's training.lr") LrSchedule lrSchedule,
        @Param(doc = "at the last step, set c = log Z to its importance-sampled estimate (the flow, or a Gaussian "
                + "fitted to the data, as proposal) so that the model is normalised", value = "false")
                boolean calibrateLogZ) {

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
        if (ema != null) {
            Checks.that(ema > 0 && ema < 1, "ema", "expected a decay in (0, 1) such as 0.999, found " + ema);
        }
    }

    /** The {@code training.lr_schedule:} section: a factor on each player's learning rate by step. */
    public record LrSchedule(
            @Param(doc = "constant, cosine (from 1 down to min_factor at the last step) or step (times gamma every "
                    + "`every` steps)", value = "constant") Shape shape,
            @Param(doc = "steps of linear warm-up from 1/warmup to 1 (0: none)", value = "0") int warmup,
            @Param(doc = "the cosine schedule's final factor", value = "0.0") double minFactor,
            @Param(doc = "the step schedule's interval in steps", value = "10000") int every,
            @Param(doc = "the step schedule's factor per interval", value = "0.5") double gamma,
            @Param(doc = "the players it applies to", value = "[energy, noise]") List<String> players) {
        public LrSchedule {
            Checks.nonNegative("warmup", warmup);
            Checks.that(minFactor >= 0 && minFactor <= 1, "min_factor", "expected a number in [0, 1], found "
                    + minFactor);
            Checks.positive("every", every);
            Checks.that(gamma > 0 && gamma <= 1, "gamma", "expected a number in (0, 1], found " + gamma);
        }

        /** The shapes of a schedule. */
        public enum Shape { CONSTANT, COSINE, STEP }

        /** The factor at a step (0-based) of a run of {@code total} steps. */
        public double factor(long step, long total) {
            double f = switch (shape) {
                case CONSTANT -> 1;
                case COSINE -> minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, total)
                        / Math.max(1, total)));
                case STEP -> Math.pow(gamma, step / every);
            };
            return warmup > 0 && step < warmup ? f * (step + 1) / warmup : f;
        }
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
