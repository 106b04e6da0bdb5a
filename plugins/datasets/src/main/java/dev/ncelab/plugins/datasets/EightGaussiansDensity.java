package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.TrueDensity;

/**
 * The exact 8gaussians density (§1.1): an equal mixture of N(mu_k, I/8) with the centres at radius 2 sqrt 2,
 * log p(x) = -ln 8 + logsumexp_k [-ln(pi/4) - 4 |x - mu_k|^2], with the log-sum-exp shifted by its maximum so
 * that far-away points keep a finite log-density.
 */
public final class EightGaussiansDensity implements TrueDensity {
    private static final double VARIANCE = 1.0 / 8;
    private static final double LOG_NORM = -Math.log(2 * Math.PI * VARIANCE) - Math.log(8);
    private static final double[][] CENTRES = new double[8][2];

    static {
        for (int k = 0; k < 8; k++) {
            CENTRES[k][0] = Generators.S * 4 * Generators.DIRECTIONS[k][0];
            CENTRES[k][1] = Generators.S * 4 * Generators.DIRECTIONS[k][1];
        }
    }

    @Override
    public double logDensity(double[] x) {
        double[] e = new double[8];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 8; k++) {
            double dx = x[0] - CENTRES[k][0];
            double dy = x[1] - CENTRES[k][1];
            e[k] = -(dx * dx + dy * dy) / (2 * VARIANCE);
            max = Math.max(max, e[k]);
        }
        double sum = 0;
        for (double v : e) {
            sum += Math.exp(v - max);
        }
        return LOG_NORM + max + Math.log(sum);
    }
}
