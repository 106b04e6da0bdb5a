package dev.ncelab.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.math.Cholesky;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;

/**
 * A fixed multivariate Gaussian, N(mu, L L^T), with L the Cholesky factor (computed in Java in float64).
 * Samples are mu + L z with z from the seeded stream, and their log q comes from z directly.
 */
final class GaussianNoise implements NoiseModel {
    private final int d;
    private final double logNorm;
    private final NDArray meanArray;
    private final NDArray inverseCholT;
    private final NDArray cholT;
    private final ParameterSet none;

    GaussianNoise(double[] mean, double[][] covariance, NDManager manager) {
        this.d = mean.length;
        double[][] chol = Cholesky.factor(covariance);
        double logDet = 0;
        for (int i = 0; i < d; i++) {
            logDet += Math.log(chol[i][i]);
        }
        this.logNorm = -logDet - 0.5 * d * Math.log(2 * Math.PI);
        double[][] inv = Cholesky.invertLower(chol);
        this.meanArray = manager.create(toFloat(mean), new Shape(1, d));
        this.inverseCholT = manager.create(transposeFlat(inv), new Shape(d, d));
        this.cholT = manager.create(transposeFlat(chol), new Shape(d, d));
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
        NDArray z = x.sub(meanArray).matMul(inverseCholT);
        return Scalars.mul(z.square().sum(new int[] {1}), -0.5f).add((float) logNorm);
    }

    @Override
    public NoiseSample sample(NDManager manager, int n, Random random) {
        float[] z = new float[n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) random.nextGaussian();
        }
        NDArray za = manager.create(z, new Shape(n, d));
        NDArray x = za.matMul(cholT).add(meanArray);
        NDArray logq = Scalars.mul(za.square().sum(new int[] {1}), -0.5f).add((float) logNorm);
        return new NoiseSample(x, logq);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static float[] transposeFlat(double[][] m) {
        int n = m.length;
        float[] f = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                f[j * n + i] = (float) m[i][j];
            }
        }
        return f;
    }
}
