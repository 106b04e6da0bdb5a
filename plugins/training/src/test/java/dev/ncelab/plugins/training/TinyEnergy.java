package dev.ncelab.plugins.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;

/**
 * A small smooth energy for gradient checks: log p(x) = w2 . tanh(W1 x + b1) + b2 - c, hidden width h, with
 * seeded weights. Smooth in x and in the parameters, so finite differences of its second derivatives work.
 */
final class TinyEnergy implements EnergyModel {
    final ParameterSet params;

    TinyEnergy(NDManager m, int d, int h, long seed) {
        Random r = new Random(seed);
        params = new ParameterSet(m);
        params.add("w1", new Shape(h, d), values(h * d, r));
        params.add("b1", new Shape(h), values(h, r));
        params.add("w2", new Shape(1, h), values(h, r));
        params.add("b2", new Shape(1), values(1, r));
        params.add("c", new Shape(1), new float[] {0.7f});
    }

    static float[] values(int n, Random r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 0.8);
        }
        return v;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public NDArray logDensity(NDArray x) {
        NDArray h = Linear.linear(x, params.get("w1"), params.get("b1")).singletonOrThrow().tanh();
        NDArray g = Linear.linear(h, params.get("w2"), params.get("b2")).singletonOrThrow().reshape(-1);
        return g.sub(params.get("c"));
    }

    @Override
    public double logZ() {
        return params.get("c").toFloatArray()[0];
    }

    @Override
    public boolean learnsLogZ() {
        return true;
    }
}
