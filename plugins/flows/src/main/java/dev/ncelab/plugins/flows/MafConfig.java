package dev.ncelab.plugins.flows;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/** The {@code noise: maf} section: the FCE reference's MAF(n_blocks=5, hidden_size=100, n_hidden=1). */
public record MafConfig(
        @Param(doc = "MADE blocks (input order reversed between blocks)", value = "5") int blocks,
        @Param(doc = "width of each hidden layer", value = "100") int hidden,
        @Param(doc = "hidden-to-hidden layers per MADE (1 means two hidden layers, as in the reference)",
                value = "1") int nHidden,
        @Param(doc = "maximum-likelihood steps on the data before contrastive training", value = "0")
                int pretrainSteps,
        @Param(doc = "soft bound b on each block's log-scale, alpha = b tanh(alpha / b), so samples and gradients "
                + "cannot overflow float32 (null: unbounded, as the reference)", value = "5.0") Double maxLogScale,
        @Param(doc = "share w of a fixed Gaussian in the noise, q = (1 - w) flow + w N(0, s^2 I): keeps every region "
                + "covered by noise points (0: the flow alone, as the reference)", value = "0") double defensive,
        @Param(doc = "standard deviation s of that Gaussian", value = "2.0") double defensiveStd) {

    public MafConfig {
        Checks.positive("blocks", blocks);
        Checks.positive("hidden", hidden);
        Checks.nonNegative("n_hidden", nHidden);
        Checks.nonNegative("pretrain_steps", pretrainSteps);
        Checks.that(defensive >= 0 && defensive < 1, "defensive", "expected a share in [0, 1), found " + defensive
                + "; 0 turns the Gaussian share off");
        Checks.positive("defensive_std", defensiveStd);
        if (maxLogScale != null) {
            Checks.positive("max_log_scale", maxLogScale);
        }
    }
}
