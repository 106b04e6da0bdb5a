package dev.ncelab.core.experiment;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/**
 * The core keys of the {@code logging:} section. Every other key under {@code logging:} names a logger plugin
 * ({@code wandb: {...}}) and is bound to that plugin's configuration.
 */
public record LoggingConfig(
        @Param(doc = "steps between metric rows (value, accuracy, log_z and the truth metrics)", value = "10") int every,
        @Param(doc = "steps between truth-metric evaluations on held-out data (also at each epoch's end)",
                value = "100") int evalEvery,
        @Param(doc = "grid points per axis for quadrature and density plots", value = "300") int grid,
        @Param(doc = "write a density plot per epoch and an animated GIF at the end", value = "true") boolean plots) {
    public LoggingConfig {
        Checks.positive("every", every);
        Checks.positive("eval_every", evalEvery);
        Checks.inRange("grid", grid, 20, 2000);
    }
}
