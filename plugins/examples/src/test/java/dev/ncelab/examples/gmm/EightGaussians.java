package dev.ncelab.examples.gmm;

import dev.ncelab.core.data.Matrix;
import java.util.Random;

/** 8gaussians-like data as the reference generates it (docs/reference-implementation.md §1.1), and its exact log-density. */
final class EightGaussians {
    static final double SCALE = 2.828427;
    static final double STD = 0.353553;
    static final double ENTROPY = 2.832;
    static final double[][] CENTRES;

    static {
        double s = 1 / Math.sqrt(2);
        double[][] dirs = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {s, s}, {-s, s}, {s, -s}, {-s, -s}};
        CENTRES = new double[8][2];
        for (int k = 0; k < 8; k++) {
            CENTRES[k][0] = SCALE * dirs[k][0];
            CENTRES[k][1] = SCALE * dirs[k][1];
        }
    }

    private EightGaussians() {}

    static Matrix sample(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double[] c = CENTRES[r.nextInt(8)];
            v[2 * i] = (float) (STD * r.nextGaussian() + c[0]);
            v[2 * i + 1] = (float) (STD * r.nextGaussian() + c[1]);
        }
        return new Matrix(v, n, 2);
    }

    static double logDensity(double x, double y) {
        double[] t = new double[8];
        double var = STD * STD;
        for (int k = 0; k < 8; k++) {
            double dx = x - CENTRES[k][0];
            double dy = y - CENTRES[k][1];
            t[k] = -Math.log(8) - Math.log(2 * Math.PI * var) - (dx * dx + dy * dy) / (2 * var);
        }
        return GaussianMixture.logSumExp(t);
    }

    /** Gaussian data in d dimensions with different scales and offsets per coordinate, correlated pairs. */
    static Matrix correlated(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            double prev = 0;
            for (int j = 0; j < d; j++) {
                double z = r.nextGaussian();
                v[i * d + j] = (float) ((1 + j) * (z + 0.8 * prev) + 3 * j);
                prev = z;
            }
        }
        return new Matrix(v, n, d);
    }
}
