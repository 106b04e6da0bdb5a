package dev.ncelab.core.eval;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.math.Cholesky;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import java.util.Random;

/**
 * The log normaliser of an energy model by importance sampling, where quadrature is impossible (a 12-D table):
 * with x_i drawn from a normalised proposal q, log Z = log mean_i exp(log p~(x_i) - log q(x_i)), where p~ is
 * the model's unnormalised density (its {@code logDensity}, learned c included).
 *
 * <p>The standard error is the delta-method one, sd(w) / (sqrt(n) mean(w)) with w the importance weights, and
 * the effective sample size is (sum w)^2 / sum w^2 (Kish). Both are only as good as the proposal's tails: a
 * proposal much narrower than the model underestimates Z and its error while the ESS stays small, so report
 * the ESS beside the estimate. A weight that is not a number (a flow's float32 overflow far from the data)
 * counts as zero and is counted in {@link Estimate#dropped()}.
 */
public final class ImportanceLogZ {
    private ImportanceLogZ() {}

    /**
     * The estimate of log of the integral of exp(log p~).
     *
     * @param logZ the estimate
     * @param standardError its delta-method standard error
     * @param ess the effective sample size, between 1 and {@code samples}
     * @param samples the number of proposal draws
     * @param dropped draws whose weight was not a number
     */
    public record Estimate(double logZ, double standardError, double ess, int samples, int dropped) {}

    /** Proposal draws and their exact log density under the proposal. */
    public record Draws(Matrix x, double[] logQ) {}

    /** A normalised density that can be sampled. */
    public interface Proposal {
        Draws draw(NDManager parent, int n, Random random);
    }

    /** The estimate from log weights log p~(x_i) - log q(x_i). */
    public static Estimate fromLogWeights(double[] logW) {
        double max = Double.NEGATIVE_INFINITY;
        int dropped = 0;
        for (double v : logW) {
            if (Double.isNaN(v)) {
                dropped++;
            } else {
                max = Math.max(max, v);
            }
        }
        int n = logW.length;
        if (n == 0 || max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            return new Estimate(max == Double.POSITIVE_INFINITY ? max : Double.NaN, Double.NaN, 0, n, dropped);
        }
        double s = 0;
        double s2 = 0;
        for (double v : logW) {
            if (!Double.isNaN(v)) {
                double w = Math.exp(v - max);
                s += w;
                s2 += w * w;
            }
        }
        double mean = s / n;
        double var = n > 1 ? (s2 - n * mean * mean) / (n - 1) : 0;
        double se = Math.sqrt(Math.max(var, 0) / n) / mean;
        return new Estimate(max + Math.log(mean), se, s * s / s2, n, dropped);
    }

    /** Estimates log Z of the energy model's {@code logDensity} with n draws of the proposal. */
    public static Estimate estimate(NDManager parent, EnergyModel energy, Proposal proposal, int n, Random random) {
        Draws d = proposal.draw(parent, n, random);
        double[] logp = Evaluator.apply(parent, d.x(), energy::logDensity, energy.parameters());
        double[] logW = new double[n];
        for (int i = 0; i < n; i++) {
            logW[i] = logp[i] - d.logQ()[i];
        }
        return fromLogWeights(logW);
    }

    /** A normalised noise model (a trained flow) as the proposal, drawn in chunks that are freed at once. */
    public static Proposal of(NoiseModel noise) {
        return (parent, n, random) -> {
            int d = noise.dimension();
            float[] x = new float[n * d];
            double[] logQ = new double[n];
            for (int from = 0; from < n; from += Evaluator.CHUNK) {
                int m = Math.min(Evaluator.CHUNK, n - from);
                try (NDManager sub = parent.newSubManager()) {
                    noise.parameters().attach(sub);
                    NoiseSample s = noise.sample(sub, m, random);
                    System.arraycopy(s.x().toFloatArray(), 0, x, from * d, m * d);
                    float[] lq = s.logQ().toFloatArray();
                    for (int i = 0; i < m; i++) {
                        logQ[from + i] = lq[i];
                    }
                }
            }
            return new Draws(new Matrix(x, n, d), logQ);
        };
    }

    /**
     * A full-covariance Gaussian in plain Java (float64): the proposal for models without a flow, fitted to
     * the training rows, its standard deviations optionally widened so that its tails cover the model's.
     */
    public static final class Gaussian implements Proposal {
        private final double[] mean;
        private final double[][] lower;
        private final double[][] lowerInverse;
        private final double logNorm;

        public Gaussian(double[] mean, double[][] covariance) {
            this.mean = mean.clone();
            this.lower = Cholesky.factor(covariance);
            this.lowerInverse = Cholesky.invertLower(lower);
            double logDet = 0;
            for (int i = 0; i < mean.length; i++) {
                logDet += Math.log(lower[i][i]);
            }
            this.logNorm = -logDet - 0.5 * mean.length * Math.log(2 * Math.PI);
        }

        /**
         * The maximum-likelihood Gaussian of the rows (biased covariance), standard deviations times
         * {@code widen}; a tiny ridge (1e-9 of the mean variance) keeps a degenerate table factorable.
         */
        public static Gaussian fit(Matrix rows, double widen) {
            double[][] cov = rows.covariance();
            double trace = 0;
            for (int i = 0; i < cov.length; i++) {
                trace += cov[i][i];
            }
            for (int i = 0; i < cov.length; i++) {
                for (int j = 0; j < cov.length; j++) {
                    cov[i][j] *= widen * widen;
                }
                cov[i][i] += 1e-9 * trace / cov.length;
            }
            return new Gaussian(rows.columnMeans(), cov);
        }

        public int dimension() {
            return mean.length;
        }

        /** log N(x; mean, covariance) of each row. */
        public double[] logProb(Matrix x) {
            int d = mean.length;
            double[] out = new double[x.rows()];
            double[] diff = new double[d];
            for (int r = 0; r < x.rows(); r++) {
                for (int j = 0; j < d; j++) {
                    diff[j] = x.get(r, j) - mean[j];
                }
                double q = 0;
                for (int i = 0; i < d; i++) {
                    double y = 0;
                    for (int k = 0; k <= i; k++) {
                        y += lowerInverse[i][k] * diff[k];
                    }
                    q += y * y;
                }
                out[r] = logNorm - 0.5 * q;
            }
            return out;
        }

        @Override
        public Draws draw(NDManager parent, int n, Random random) {
            int d = mean.length;
            float[] x = new float[n * d];
            double[] z = new double[d];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < d; j++) {
                    z[j] = random.nextGaussian();
                }
                for (int i = 0; i < d; i++) {
                    double v = mean[i];
                    for (int k = 0; k <= i; k++) {
                        v += lower[i][k] * z[k];
                    }
                    x[r * d + i] = (float) v;
                }
            }
            Matrix m = new Matrix(x, n, d);
            return new Draws(m, logProb(m));
        }
    }
}
