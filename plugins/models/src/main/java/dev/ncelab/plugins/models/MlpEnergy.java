package dev.ncelab.plugins.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import java.util.List;
import java.util.Random;

/**
 * A multilayer perceptron energy: log p(x) = g(x) - c, where g = -f is the network's output and c = log Z is a
 * learned scalar (or fixed at 0 when self-normalised). Weights start as PyTorch's default Linear, uniform in
 * +-1/sqrt(fan_in), drawn from the run's seeded stream.
 */
final class MlpEnergy implements EnergyModel {
    private final ParameterSet params;
    private final int layers;
    private final MlpConfig.Activation activation;
    private final float slope;
    private final boolean learnsC;

    MlpEnergy(MlpConfig cfg, int dimension, ParameterSet params, Random random) {
        this.params = params;
        this.activation = cfg.activation();
        this.slope = (float) cfg.negativeSlope();
        this.learnsC = !cfg.selfNormalized();
        List<Integer> widths = new java.util.ArrayList<>();
        widths.add(dimension);
        widths.addAll(cfg.hidden());
        widths.add(1);
        this.layers = widths.size() - 1;
        for (int i = 0; i < layers; i++) {
            int in = widths.get(i);
            int out = widths.get(i + 1);
            double bound = 1 / Math.sqrt(in);
            params.add("w" + i, new Shape(out, in), uniform(out * in, bound, random));
            params.add("b" + i, new Shape(out), uniform(out, bound, random));
        }
        if (learnsC) {
            params.add("c", new Shape(1), new float[] {(float) cfg.logZInit()});
        }
    }

    static float[] uniform(int n, double bound, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public NDArray logDensity(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < layers; i++) {
            h = Linear.linear(h, params.get("w" + i), params.get("b" + i)).singletonOrThrow();
            if (i < layers - 1) {
                h = activate(h);
            }
        }
        NDArray g = h.reshape(-1);
        return learnsC ? g.sub(params.get("c")) : g;
    }

    private NDArray activate(NDArray h) {
        return switch (activation) {
            case LEAKY_RELU -> h.getNDArrayInternal().leakyRelu(slope);
            case RELU -> h.getNDArrayInternal().relu();
            case TANH -> h.tanh();
            case SOFTPLUS -> h.getNDArrayInternal().softPlus();
            case SWISH -> h.mul(h.getNDArrayInternal().sigmoid());
        };
    }

    @Override
    public boolean shiftLogZ(double delta) {
        if (!learnsC) {
            return false;
        }
        params.set("c", new float[] {(float) (params.get("c").getFloat() + delta)});
        return true;
    }

    @Override
    public double logZ() {
        return learnsC ? params.get("c").toFloatArray()[0] : 0.0;
    }

    @Override
    public boolean learnsLogZ() {
        return learnsC;
    }
}
