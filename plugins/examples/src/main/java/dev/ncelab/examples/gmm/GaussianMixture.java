package dev.ncelab.examples.gmm;

import dev.ncelab.core.math.Cholesky;

/**
 * A Gaussian mixture in float64 Java: weights, means and the lower Cholesky factors L of the covariances
 * (Sigma = L L^T). Used by EM, by sampling (points and their log q) and to build {@link GmmNoise}'s arrays.
 */
final class GaussianMixture {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final double[] weights;
    private final double[][] means;
    private final double[][][] chol;
    private final double[] logConst;

    /**
     * @throws IllegalArgumentException naming the component when a covariance is not positive definite
     */
    GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
        int k = weights.length;
        int d = means[0].length;
        this.weights = weights.clone();
        this.means = new double[k][];
        this.chol = new double[k][][];
        this.logConst = new double[k];
        for (int c = 0; c < k; c++) {
            this.means[c] = means[c].clone();
            try {
                chol[c] = Cholesky.factor(covariances[c]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the covariance of component " + (c + 1) + " of " + k
                        + " is not positive definite");
            }
            double logDet = 0;
            for (int i = 0; i < d; i++) {
                logDet += Math.log(chol[c][i][i]);
            }
            logConst[c] = Math.log(weights[c]) - logDet - 0.5 * d * LOG_2PI;
        }
    }

    int components() {
        return weights.length;
    }

    int dimension() {
        return means[0].length;
    }

    double weight(int c) {
        return weights[c];
    }

    double[] mean(int c) {
        return means[c].clone();
    }

    /** The lower Cholesky factor of component c's covariance (not a copy: do not modify). */
    double[][] cholesky(int c) {
        return chol[c];
    }

    /** log w_c - sum log L_ii - D/2 log 2 pi: the part of log w_c N(x | mu_c, Sigma_c) that does not depend on x. */
    double logConstant(int c) {
        return logConst[c];
    }

    double[][] covariance(int c) {
        double[][] l = chol[c];
        int d = l.length;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int m = 0; m <= j; m++) {
                    v += l[i][m] * l[j][m];
                }
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        return s;
    }

    /** log(w_c N(x | mu_c, Sigma_c)) for every component c, into {@code out}; {@code work} has length D. */
    void jointLogDensities(double[] x, double[] out, double[] work) {
        int d = x.length;
        for (int c = 0; c < weights.length; c++) {
            double[][] l = chol[c];
            double[] mu = means[c];
            double q = 0;
            for (int i = 0; i < d; i++) { // forward substitution: work = L^-1 (x - mu)
                double s = x[i] - mu[i];
                for (int j = 0; j < i; j++) {
                    s -= l[i][j] * work[j];
                }
                work[i] = s / l[i][i];
                q += work[i] * work[i];
            }
            out[c] = logConst[c] - 0.5 * q;
        }
    }

    /** log q(x). */
    double logDensity(double[] x) {
        double[] joint = new double[weights.length];
        jointLogDensities(x, joint, new double[x.length]);
        return logSumExp(joint);
    }

    static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double a : v) {
            max = Math.max(max, a);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (double a : v) {
            s += Math.exp(a - max);
        }
        return max + Math.log(s);
    }
}
