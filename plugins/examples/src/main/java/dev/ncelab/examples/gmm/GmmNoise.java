package dev.ncelab.examples.gmm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;

/**
 * A fixed Gaussian mixture as noise. {@code logProb} is a logsumexp over the components (max trick) in NDArray
 * ops; {@code sample} draws each point's component and z from the seeded stream, returns mu + L z and computes
 * the points' log q in float64 in the same pass.
 */
final class GmmNoise implements NoiseModel {
    private final GaussianMixture mixture;
    private final int d;
    private final int k;
    private final double[] cumulative;
    private final NDArray means;
    private final NDArray inverseCholT;
    private final NDArray logConst;
    private final ParameterSet none;

    GmmNoise(GaussianMixture mixture, NDManager manager) {
        this.mixture = mixture;
        this.d = mixture.dimension();
        this.k = mixture.components();
        this.cumulative = new double[k];
        double s = 0;
        for (int c = 0; c < k; c++) {
            s += mixture.weight(c);
            cumulative[c] = s;
        }
        float[] mu = new float[k * d];
        float[] invT = new float[k * d * d];
        float[] lc = new float[k];
        for (int c = 0; c < k; c++) {
            double[] m = mixture.mean(c);
            double[][] inv = dev.ncelab.core.math.Cholesky.invertLower(mixture.cholesky(c));
            for (int i = 0; i < d; i++) {
                mu[c * d + i] = (float) m[i];
                for (int j = 0; j < d; j++) {
                    invT[(c * d + j) * d + i] = (float) inv[i][j]; // row j, column i of L^-T
                }
            }
            lc[c] = (float) mixture.logConstant(c);
        }
        this.means = manager.create(mu, new Shape(k, d));
        this.inverseCholT = manager.create(invT, new Shape(k, d, d));
        this.logConst = manager.create(lc, new Shape(1, k));
        this.none = new ParameterSet(manager);
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public ParameterSet parameters() {
        return none;
    }

    @Override
    public NDArray logProb(NDArray x) {
        NDArray diff = x.expandDims(1).sub(means);                              // (B, K, D)
        NDArray z = diff.transpose(1, 0, 2).batchMatMul(inverseCholT);          // (K, B, D): L_k^-1 (x - mu_k)
        NDArray t = Scalars.mul(z.square().sum(new int[] {2}).transpose(), -0.5f).add(logConst); // (B, K)
        NDArray max = t.max(new int[] {1}, true).stopGradient();                // (B, 1)
        return t.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
    }

    @Override
    public NoiseSample sample(NDManager manager, int n, Random random) {
        float[] xs = new float[n * d];
        float[] logq = new float[n];
        double[] z = new double[d];
        double[] point = new double[d];
        double[] joint = new double[k];
        double[] work = new double[d];
        for (int i = 0; i < n; i++) {
            int c = component(random.nextDouble());
            for (int j = 0; j < d; j++) {
                z[j] = random.nextGaussian();
            }
            double[][] l = mixture.cholesky(c);
            double[] mu = mixture.mean(c);
            for (int a = 0; a < d; a++) {
                double v = mu[a];
                for (int b = 0; b <= a; b++) {
                    v += l[a][b] * z[b];
                }
                xs[i * d + a] = (float) v;
                point[a] = xs[i * d + a]; // log q of the float32 point that is returned
            }
            mixture.jointLogDensities(point, joint, work);
            logq[i] = (float) GaussianMixture.logSumExp(joint);
        }
        return new NoiseSample(manager.create(xs, new Shape(n, d)), manager.create(logq, new Shape(n)));
    }

    private int component(double u) {
        double v = u * cumulative[k - 1];
        for (int c = 0; c < k - 1; c++) {
            if (v < cumulative[c]) {
                return c;
            }
        }
        return k - 1;
    }

    GaussianMixture mixture() {
        return mixture;
    }
}
