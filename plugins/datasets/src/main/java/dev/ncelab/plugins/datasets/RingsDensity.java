package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.TrueDensity;

/**
 * The rings density in the limit of many points (§1.5): each of the four circles (radii 3, 2.25, 1.5, 0.75)
 * carries weight 1/4, smeared by N(0, 0.08^2 I):
 * p(x) = sum_r 1/4 (1/2 pi) integral over phi of N(x; r (cos phi, sin phi), 0.08^2 I).
 *
 * <p>Why quadrature and how: with rho = |x|, the squared distance to the circle point at angle phi from x's
 * own angle is (rho - r)^2 + 2 r rho (1 - cos phi), so each ring contributes
 * exp(-(rho - r)^2 / 2 sigma^2) times the angular mean of exp(-kappa (1 - cos phi)), kappa = r rho / sigma^2.
 * That periodic mean is taken with the trapezoid rule on N equally spaced angles aligned with x (so the peak
 * is always a node); the rule converges geometrically for periodic integrands, with an aliasing error about
 * 2 exp(-N^2 / (2 kappa)). N is 512, raised for very large kappa (points far outside the box) to keep that
 * error below 1e-10. Terms are summed outwards from the peak and stop once they fall below 1e-18 of the peak,
 * since they decrease monotonically. Everything is in log space, so far-away points do not underflow.
 */
public final class RingsDensity implements TrueDensity {
    private static final double SIGMA2 = Generators.RING_STD * Generators.RING_STD;
    private static final double LOG_NORM = -Math.log(2 * Math.PI * SIGMA2) + Math.log(0.25);
    private static final int MIN_NODES = 512;

    @Override
    public double logDensity(double[] x) {
        double rho = Math.hypot(x[0], x[1]);
        if (!Double.isFinite(rho)) {
            return Double.isNaN(rho) ? Double.NaN : Double.NEGATIVE_INFINITY;
        }
        double[] terms = new double[Generators.RING_RADII.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < terms.length; c++) {
            double r = Generators.RING_RADII[c];
            double d = rho - r;
            terms[c] = -d * d / (2 * SIGMA2) + Math.log(angularMean(r * rho / SIGMA2));
            max = Math.max(max, terms[c]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return LOG_NORM + max + Math.log(sum);
    }

    /** (1/2 pi) integral over phi of exp(-kappa (1 - cos phi)), i.e. exp(-kappa) I0(kappa), by the trapezoid rule. */
    static double angularMean(double kappa) {
        int n = nodes(kappa);
        double sum = 1; // the node at phi = 0
        for (int j = 1; j < n / 2; j++) {
            double s = Math.sin(Math.PI * j / n);
            double e = Math.exp(-2 * kappa * s * s);
            sum += 2 * e;
            if (e < 1e-18) {
                return sum / n;
            }
        }
        sum += Math.exp(-2 * kappa); // phi = pi
        return sum / n;
    }

    /** Nodes for an aliasing error of about 2 exp(-N^2 / 2 kappa) < 1e-10: N^2 > 48 kappa, even, at least 512. */
    static int nodes(double kappa) {
        double needed = Math.sqrt(48 * kappa);
        if (needed <= MIN_NODES) {
            return MIN_NODES;
        }
        return 2 * (int) Math.ceil(needed / 2);
    }
}
