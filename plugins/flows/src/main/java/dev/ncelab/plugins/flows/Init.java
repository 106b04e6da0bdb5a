package dev.ncelab.plugins.flows;

import java.util.Random;

/**
 * Initial values drawn in Java from a seeded stream, so that a run repeats exactly whatever the engine: PyTorch's
 * default {@code nn.Linear} initialisation and the QR/PLU factorisation behind Glow's invertible linear map.
 */
final class Init {
    private Init() {}

    /** n values from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default for Linear weights and biases. */
    static float[] linear(int n, int fanIn, Random random) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return v;
    }

    static float[] constant(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /**
     * The orthogonal factor Q of the QR decomposition of a d x d standard-normal matrix (Gram-Schmidt, so R has a
     * positive diagonal), row-major. Re-orthogonalised once, so Q is orthogonal to double precision.
     */
    static double[][] randomOrthogonal(int d, Random random) {
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = random.nextGaussian();
            }
        }
        double[][] q = new double[d][d]; // columns of q are q[.][j]
        for (int j = 0; j < d; j++) {
            double[] v = new double[d];
            for (int i = 0; i < d; i++) {
                v[i] = a[i][j];
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[i][k] * v[i];
                    }
                    for (int i = 0; i < d; i++) {
                        v[i] -= dot * q[i][k];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return q;
    }

    /**
     * The factorisation W = P L U with partial pivoting: {@code perm[i]} is the row of W that row i of L U
     * becomes (so P[perm[i]][i] = 1), {@code lower} is unit lower triangular and {@code upper} upper triangular.
     */
    record Plu(int[] perm, double[][] lower, double[][] upper) {}

    static Plu plu(double[][] w) {
        int d = w.length;
        double[][] a = new double[d][];
        int[] perm = new int[d];
        for (int i = 0; i < d; i++) {
            a[i] = w[i].clone();
            perm[i] = i;
        }
        for (int k = 0; k < d; k++) {
            int p = k;
            for (int i = k + 1; i < d; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[p][k])) {
                    p = i;
                }
            }
            double[] row = a[k];
            a[k] = a[p];
            a[p] = row;
            int t = perm[k];
            perm[k] = perm[p];
            perm[p] = t;
            for (int i = k + 1; i < d; i++) {
                a[i][k] /= a[k][k];
                for (int j = k + 1; j < d; j++) {
                    a[i][j] -= a[i][k] * a[k][j];
                }
            }
        }
        double[][] lower = new double[d][d];
        double[][] upper = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (j < i) {
                    lower[i][j] = a[i][j];
                } else {
                    upper[i][j] = a[i][j];
                }
            }
            lower[i][i] = 1;
        }
        return new Plu(perm, lower, upper);
    }
}
