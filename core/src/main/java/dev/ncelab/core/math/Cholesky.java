package dev.ncelab.core.math;

/**
 * Cholesky factor and triangular inverse in float64 Java: the PyTorch engine of DJL has no {@code cholesky}
 * or {@code solve}, and Gaussian noise models need both once, when they are built.
 */
public final class Cholesky {
    private Cholesky() {}

    /** The lower factor L of a symmetric positive-definite matrix A = L L^T. */
    public static double[][] factor(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0) || !Double.isFinite(s)) {
                        throw new IllegalArgumentException("the covariance is not positive definite");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    /** The inverse of a lower-triangular matrix (itself lower-triangular). */
    public static double[][] invertLower(double[][] l) {
        int n = l.length;
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            inv[i][i] = 1 / l[i][i];
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int k = j; k < i; k++) {
                    s -= l[i][k] * inv[k][j];
                }
                inv[i][j] = s / l[i][i];
            }
        }
        return inv;
    }
}
