package dev.ncelab.examples.gmm;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;

/** The {@code noise: {type: gmm}} section. */
public record GmmConfig(
        @Param(doc = "number of mixture components", value = "8") int components,
        @Param(doc = "maximum EM iterations (EM stops earlier once the mean log-likelihood gains less than 1e-7)",
                value = "100") int iterations,
        @Param(doc = "full: one full covariance matrix per component; diagonal: per-coordinate variances only",
                value = "full") Covariance covariance,
        @Param(doc = "added to the diagonal of every covariance, keeping it positive definite", value = "1.0e-6")
                double regularization,
        @Param(doc = "fit on at most this many training rows (a seeded random subset of larger sets)",
                value = "20000") int maxFitRows,
        @Param(doc = "k-means++ initialisations; the clustering with the lowest k-means cost starts EM",
                value = "10") int restarts) {
    public GmmConfig {
        Checks.inRange("components", components, 1, 1000);
        Checks.inRange("iterations", iterations, 1, 100_000);
        Checks.nonNegative("regularization", regularization);
        Checks.positive("max_fit_rows", maxFitRows);
        Checks.inRange("restarts", restarts, 1, 1000);
    }

    /** The covariance structure of each component. */
    public enum Covariance { FULL, DIAGONAL }
}
