package dev.ncelab.plugins.models;

import dev.ncelab.core.config.Checks;
import dev.ncelab.core.config.Param;
import java.util.List;

/** The {@code noise: {type: gaussian}} section. */
public record GaussianConfig(
        @Param(doc = "mean (null: zero); ignored with fit: data", value = "null") List<Double> mean,
        @Param(doc = "standard deviation of every coordinate (isotropic)", value = "1.0") double std,
        @Param(doc = "per-coordinate standard deviations (diagonal); overrides std", value = "null") List<Double> stds,
        @Param(doc = "full covariance matrix, rows of numbers; overrides std and stds", value = "null")
                List<List<Double>> covariance,
        @Param(doc = "none: use the values above; data: estimate mean and covariance from the training set",
                value = "none") Fit fit,
        @Param(doc = "with fit: data, estimate the full covariance (true) or only the variances (false)",
                value = "true") boolean fullCovariance,
        @Param(doc = "with fit: data, multiply the fitted standard deviations by this", value = "1.0") double scale) {
    public GaussianConfig {
        Checks.positive("std", std);
        Checks.positive("scale", scale);
        if (stds != null) {
            Checks.that(stds.stream().allMatch(s -> s > 0), "stds", "expected positive numbers, found " + stds);
        }
        if (covariance != null) {
            int d = covariance.size();
            Checks.that(covariance.stream().allMatch(r -> r.size() == d), "covariance",
                    "expected a square matrix (" + d + " rows of " + d + " numbers)");
        }
    }

    /** Where the parameters come from. */
    public enum Fit { NONE, DATA }
}
