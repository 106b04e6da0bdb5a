package dev.ncelab.plugins.flows;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/** The {@code noise: glow} section: the FCE reference's Glow(width=64, depth=5, n_levels=1). */
public record GlowConfig(
        @Param(doc = "hidden width of each coupling's conditioner", value = "64") int width,
        @Param(doc = "flow steps per level, and the number of extra steps after the levels", value = "5") int depth,
        @Param(doc = "levels of depth steps, chained (then depth extra steps follow)", value = "1") int levels,
        @Param(doc = "maximum-likelihood steps on the data before contrastive training", value = "0")
                int pretrainSteps,
        @Param(doc = "share w of a fixed Gaussian in the noise, q = (1 - w) flow + w N(0, s^2 I): keeps every region "
                + "covered by noise points (0: the flow alone, as the reference)", value = "0") double defensive,
        @Param(doc = "standard deviation s of that Gaussian", value = "2.0") double defensiveStd) {

    public GlowConfig {
        Checks.positive("width", width);
        Checks.positive("depth", depth);
        Checks.positive("levels", levels);
        Checks.nonNegative("pretrain_steps", pretrainSteps);
        Checks.that(defensive >= 0 && defensive < 1, "defensive", "expected a share in [0, 1), found " + defensive
                + "; 0 turns the Gaussian share off");
        Checks.positive("defensive_std", defensiveStd);
    }
}
