package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.sample.Sampler;
import java.util.Random;

/**
 * An isotropic Gaussian energy with a learnable mean mu (D) and log standard deviation a:
 * log p~(x) = -|x - mu|^2 / (2 exp(2a)) - c, c a parameter too. Its exact sampler draws N(mu, exp(2a) I), so CD
 * with it follows the exact maximum-likelihood gradient.
 */
final class GaussEnergy implements EnergyModel {
    final ParameterSet params;

    GaussEnergy(NDManager m, float[] mu, float logStd) {
        params = new ParameterSet(m);
        params.add("mu", new Shape(mu.length), mu);
        params.add("a", new Shape(1), new float[] {logStd});
        params.add("c", new Shape(1), new float[] {0.5f});
    }

    float[] mu() {
        return params.get("mu").toFloatArray();
    }

    double std() {
        return Math.exp(params.get("a").toFloatArray()[0]);
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public NDArray logDensity(NDArray x) {
        NDManager m = x.getManager();
        NDArray var2 = params.get("a").mul(m.create(2f)).exp().mul(m.create(2f));
        return x.sub(params.get("mu")).square().sum(new int[] {1}).div(var2).neg().sub(params.get("c"));
    }

    @Override
    public double logZ() {
        return params.get("c").toFloatArray()[0];
    }

    @Override
    public boolean learnsLogZ() {
        return true;
    }

    /** Draws exactly from the model's current density. */
    Sampler exactSampler() {
        return new Sampler() {
            @Override
            public NDArray sample(NDManager into, EnergyModel energy, int n, Random random) {
                float[] mu = mu();
                double s = std();
                float[] v = new float[n * mu.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (mu[i % mu.length] + s * random.nextGaussian());
                }
                return into.create(v, new Shape(n, mu.length));
            }

            @Override
            public NDArray sampleFrom(NDManager into, EnergyModel energy, NDArray start, NDArray free, Random r) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** A batch of N(mean, std^2 I) points. */
    static float[] data(int n, float[] mean, double std, Random r) {
        float[] v = new float[n * mean.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean[i % mean.length] + std * r.nextGaussian());
        }
        return v;
    }
}
