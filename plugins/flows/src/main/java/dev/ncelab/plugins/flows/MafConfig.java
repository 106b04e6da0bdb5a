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
                + "cannot overflow float32 (null: unbounded, as the reference)", value = "5.0") Double maxLogScale) {

    public MafConfig {
        Checks.positive("blocks", blocks);
        Checks.positive("hidden", hidden);
        Checks.nonNegative("n_hidden", nHidden);
        Checks.nonNegative("pretrain_steps", pretrainSteps);
        if (maxLogScale != null) {
            Checks.positive("max_log_scale", maxLogScale);
        }
    }
}
