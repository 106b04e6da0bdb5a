package dev.ncelab.plugins.models;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/** The {@code energy: {type: mlp}} section. */
public record MlpConfig(
        @Param(doc = "widths of the hidden layers", value = "[128, 128]") List<Integer> hidden,
        @Param(doc = "activation between layers", value = "leaky-relu") Activation activation,
        @Param(doc = "slope of leaky-relu for negative inputs", value = "0.2") double negativeSlope,
        @Param(doc = "initial value of the learned normaliser c = log Z", value = "1.0") double logZInit,
        @Param(doc = "fix c = 0 (self-normalised NCE) instead of learning it", value = "false")
                boolean selfNormalized) {
    public MlpConfig {
        Checks.nonEmpty("hidden", hidden);
        Checks.that(hidden.stream().allMatch(w -> w > 0 && w <= 65536), "hidden",
                "expected widths between 1 and 65536, found " + hidden);
        Checks.nonNegative("negative_slope", negativeSlope);
    }

    /** The activations on offer. */
    public enum Activation { LEAKY_RELU, RELU, TANH, SOFTPLUS, SWISH }
}
