package dev.ncelab.plugins.flows;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/** The {@code noise: glow} section: the FCE reference's Glow(width=64, depth=5, n_levels=1). */
public record GlowConfig(
        @Param(doc = "hidden width of each coupling's conditioner", value = "64") int width,
        @Param(doc = "flow steps per level, and the number of extra steps after the levels", value = "5") int depth,
        @Param(doc = "levels of depth steps, chained (then depth extra steps follow)", value = "1") int levels,
        @Param(doc = "maximum-likelihood steps on the data before contrastive training", value = "0")
                int pretrainSteps) {

    public GlowConfig {
        Checks.positive("width", width);
        Checks.positive("depth", depth);
        Checks.positive("levels", levels);
        Checks.nonNegative("pretrain_steps", pretrainSteps);
    }
}
