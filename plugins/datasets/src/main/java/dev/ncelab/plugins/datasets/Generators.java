package dev.ncelab.plugins.datasets;

import dev.ncelab.core.data.Matrix;
import java.util.Random;

/**
 * The samplers of the six 2-D toy distributions, following docs/reference-implementation.md §1 constant for constant, drawing
 * every random number from the given {@link Random} so that a run seed fixes the data exactly.
 *
 * <p>Computation is in double and the result is rounded to float once, at the end. For checkerboard that
 * rounding is guarded so that a point never crosses a square boundary (see {@link #checkerboard}).
 */
public final class Generators {
    /** 1/sqrt(2): the diagonal unit-vector component and the final scale of 8gaussians. */
    static final double S = 1 / Math.sqrt(2);

    /** The 8gaussians unit directions, in the reference order. */
    static final double[][] DIRECTIONS = {
        {1, 0}, {-1, 0}, {0, 1}, {0, -1}, {S, S}, {-S, S}, {S, -S}, {-S, -S}
    };

    /** The rings radii after the factor 3, outermost first (the order in which points are counted). */
    static final double[] RING_RADII = {3.0, 2.25, 1.5, 0.75};

    /** The rings jitter standard deviation. */
    static final double RING_STD = 0.08;

    private Generators() {}

    /** 8gaussians (§1.1): x = s (0.5 z + 4 c_k), k uniform on the 8 directions; n rows. */
    public static Matrix eightGaussians(int n, Random random) {
        double[] z = gaussians(2 * n, random);
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double[] c = DIRECTIONS[random.nextInt(8)];
            out[2 * i] = (float) (S * (0.5 * z[2 * i] + 4 * c[0]));
            out[2 * i + 1] = (float) (S * (0.5 * z[2 * i + 1] + 4 * c[1]));
        }
        return new Matrix(out, n, 2);
    }

    /** spiral (§1.3): one arm, (-cos t t + 0.5 U', sin t t + 0.5 U'')/3 + 0.1 z with t = 3 pi sqrt(U); n rows. */
    public static Matrix spiral(int n, Random random) {
        double[] z = gaussians(2 * n, random);
        double[] arm = arm(n, random);
        float[] out = new float[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            out[k] = (float) (arm[k] / 3 + 0.1 * z[k]);
        }
        return new Matrix(out, n, 2);
    }

    /**
     * 2spirals (§1.2): m = n div 2 jittered points of one arm, stacked over their mirror image through the
     * origin, divided by 3, plus 0.1 z. Returns 2m rows (n - 1 for odd n, where the reference code fails).
     */
    public static Matrix twoSpirals(int n, Random random) {
        int m = n / 2;
        double[] z = gaussians(4 * m, random);
        double[] arm = arm(m, random);
        float[] out = new float[4 * m];
        for (int k = 0; k < 2 * m; k++) {
            out[k] = (float) (arm[k] / 3 + 0.1 * z[k]);
            out[2 * m + k] = (float) (-arm[k] / 3 + 0.1 * z[2 * m + k]);
        }
        return new Matrix(out, 2 * m, 2);
    }

    /** The jittered, unscaled spiral arm: t = 3 pi sqrt(U), (-cos t t + 0.5 U', sin t t + 0.5 U''). */
    private static double[] arm(int m, Random random) {
        double[] t = new double[m];
        for (int i = 0; i < m; i++) {
            t[i] = Math.sqrt(random.nextDouble()) * 3 * Math.PI;
        }
        double[] a = new double[2 * m];
        for (int i = 0; i < m; i++) {
            a[2 * i] = -Math.cos(t[i]) * t[i] + 0.5 * random.nextDouble();
        }
        for (int i = 0; i < m; i++) {
            a[2 * i + 1] = Math.sin(t[i]) * t[i] + 0.5 * random.nextDouble();
        }
        return a;
    }

    /**
     * checkerboard (§1.4): x1 ~ U[-2, 2), x2 = U - 2B + floormod(floor(x1), 2), output 2 (x1, x2); n rows.
     *
     * <p>The floor-mod (not Java's {@code %}) keeps the result in {0, 1} for negative x1. When rounding to
     * float would carry a point onto the next square's edge (or onto 4.0), it is moved one float down instead,
     * so every stored point satisfies the support rule (floor(X/2) + floor(Y/2) even, inside [-4, 4)^2).
     */
    public static Matrix checkerboard(int n, Random random) {
        float[] out = new float[2 * n];
        double[] x1 = new double[n];
        for (int i = 0; i < n; i++) {
            x1[i] = random.nextDouble() * 4 - 2;
        }
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int b = random.nextBoolean() ? 1 : 0;
            double x2 = u - 2 * b + Math.floorMod((long) Math.floor(x1[i]), 2L);
            out[2 * i] = toFloatInCell(2 * x1[i]);
            out[2 * i + 1] = toFloatInCell(2 * x2);
        }
        return new Matrix(out, n, 2);
    }

    /** Rounds to float without leaving the half-open cell [2k, 2k + 2) that the double lies in. */
    static float toFloatInCell(double v) {
        float f = (float) v;
        if (Math.floor(f / 2.0) != Math.floor(v / 2)) {
            f = Math.nextDown(f);
        }
        return f;
    }

    /**
     * rings (§1.5): n div 4 equally spaced points on each of the circles of radius 3, 2.25 and 1.5, the rest on
     * radius 0.75; then n rows resampled with replacement, each plus N(0, 0.08^2) per coordinate.
     */
    public static Matrix rings(int n, Random random) {
        int q = n / 4;
        int[] counts = {q, q, q, n - 3 * q};
        double[] base = new double[2 * n];
        int row = 0;
        for (int c = 0; c < 4; c++) {
            int k = counts[c];
            for (int j = 0; j < k; j++) {
                double phi = 2 * Math.PI * j / k;
                base[2 * row] = RING_RADII[c] * Math.cos(phi);
                base[2 * row + 1] = RING_RADII[c] * Math.sin(phi);
                row++;
            }
        }
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            pick[i] = random.nextInt(n);
        }
        double[] z = gaussians(2 * n, random);
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = (float) (base[2 * pick[i]] + RING_STD * z[2 * i]);
            out[2 * i + 1] = (float) (base[2 * pick[i] + 1] + RING_STD * z[2 * i + 1]);
        }
        return new Matrix(out, n, 2);
    }

    /**
     * pinwheel (§1.6): 5 arms of n div 5 points. f0 ~ N(1, 0.3^2), f1 ~ N(0, 0.1^2), angle
     * theta = 2 pi k / 5 + 0.25 exp(f0); the point is 2 f rotated by -theta; rows are then shuffled. The
     * reference uses an unseeded generator here; this one uses the given (seeded) stream.
     */
    public static Matrix pinwheel(int n, Random random) {
        int per = n / 5;
        int rows = 5 * per;
        double[] f = gaussians(2 * rows, random);
        float[] pts = new float[2 * rows];
        for (int i = 0; i < rows; i++) {
            int arm = i / per;
            double f0 = 1 + 0.3 * f[2 * i];
            double f1 = 0.1 * f[2 * i + 1];
            double theta = 2 * Math.PI * arm / 5 + 0.25 * Math.exp(f0);
            double c = Math.cos(theta);
            double s = Math.sin(theta);
            pts[2 * i] = (float) (2 * (f0 * c + f1 * s));
            pts[2 * i + 1] = (float) (2 * (-f0 * s + f1 * c));
        }
        float[] out = new float[2 * rows];
        int[] order = permutation(rows, random);
        for (int i = 0; i < rows; i++) {
            out[2 * i] = pts[2 * order[i]];
            out[2 * i + 1] = pts[2 * order[i] + 1];
        }
        return new Matrix(out, rows, 2);
    }

    static double[] gaussians(int count, Random random) {
        double[] z = new double[count];
        for (int i = 0; i < count; i++) {
            z[i] = random.nextGaussian();
        }
        return z;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
