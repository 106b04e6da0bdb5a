package dev.ncelab.plugins.datasets;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/**
 * The keys shared by the six 2-D toy data sets ({@code dataset: {type: 8gaussians, samples: 10000}}): how many
 * training points to draw, and how many fresh held-out points to draw from an independent stream.
 */
public record ToyConfig(
        @Param(doc = "training points drawn once before training (2spirals keeps 2*(n div 2), pinwheel 5*(n div 5))",
                value = "10000") int samples,
        @Param(doc = "fresh held-out points for the truth metrics, drawn from their own random stream",
                value = "10000") int heldOut) {
    public ToyConfig {
        Checks.positive("samples", samples);
        Checks.positive("held_out", heldOut);
    }
}
