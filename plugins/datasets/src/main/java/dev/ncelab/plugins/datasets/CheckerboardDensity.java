package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.TrueDensity;

/**
 * The exact checkerboard density (§1.4): 1/32 on the 8 squares of side 2 in [-4, 4)^2 where
 * floor(x/2) + floor(y/2) is even, zero elsewhere.
 *
 * <p>Off the support the log-density is {@code Double.NEGATIVE_INFINITY}: the honest value, which keeps
 * exp(log p) exactly 0 in plots and integrals. Held-out points always lie on the support (the generator
 * guards the float rounding), so the held-out truth metrics stay finite; a consumer that weights by p on a
 * grid must skip the points where p = 0 rather than multiply 0 by infinity.
 */
public final class CheckerboardDensity implements TrueDensity {
    static final double LOG_DENSITY = -Math.log(32);

    @Override
    public double logDensity(double[] x) {
        return onSupport(x[0], x[1]) ? LOG_DENSITY : Double.NEGATIVE_INFINITY;
    }

    /** The support rule: inside [-4, 4)^2 and floor(x/2) + floor(y/2) even. */
    public static boolean onSupport(double x, double y) {
        if (!(x >= -4 && x < 4 && y >= -4 && y < 4)) {
            return false;
        }
        return Math.floorMod((long) Math.floor(x / 2) + (long) Math.floor(y / 2), 2L) == 0;
    }
}
