package dev.ncelab.examples.mcmc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.run.DataArrays;
import dev.ncelab.core.sample.Sampler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

/**
 * Random-walk Metropolis on the EBM's density: propose x' = x + step_size N(0, I) on the free coordinates and
 * accept with probability min(1, p(x') / p(x)). Needs only log p (no gradient), so it runs with the model's
 * parameters switched out of gradient recording. With {@code persistent: true} the chains carry over from one
 * call to the next (persistent contrastive divergence); they are saved with checkpoints.
 */
final class MetropolisSampler implements Sampler {
    private final MetropolisConfig config;
    private final int dimension;
    private float[] chains; // persistent chains, n x D
    private long proposed;
    private long accepted;

    MetropolisSampler(MetropolisConfig config, int dimension) {
        this.config = config;
        this.dimension = dimension;
    }

    /** The fraction of accepted proposals so far. */
    double acceptance() {
        return proposed == 0 ? Double.NaN : (double) accepted / proposed;
    }

    @Override
    public NDArray sample(NDManager into, EnergyModel energy, int n, Random random) {
        float[] x;
        if (config.persistent() && chains != null && chains.length == n * dimension) {
            x = chains;
        } else {
            x = new float[n * dimension];
            double lo = config.box().get(0);
            double hi = config.box().get(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (lo + (hi - lo) * random.nextDouble());
            }
        }
        float[] free = new float[x.length];
        Arrays.fill(free, 1f);
        run(into, energy, x, free, n, random);
        if (config.persistent()) {
            chains = x.clone();
        }
        return into.create(x, new Shape(n, dimension));
    }

    @Override
    public NDArray sampleFrom(NDManager into, EnergyModel energy, NDArray start, NDArray free, Random random) {
        Shape shape = start.getShape();
        if (shape.dimension() != 2 || shape.get(1) != dimension || !free.getShape().equals(shape)) {
            throw new IllegalArgumentException("expected start points and a mask of shape (n, " + dimension
                    + "), found " + shape + " and " + free.getShape());
        }
        float[] x = start.toType(DataType.FLOAT32, false).toFloatArray();
        run(into, energy, x, free.toType(DataType.FLOAT32, false).toFloatArray(), (int) shape.get(0), random);
        return into.create(x, shape);
    }

    private void run(NDManager into, EnergyModel energy, float[] x, float[] free, int n, Random random) {
        ParameterSet params = energy.parameters();
        Boolean was = params.learning();
        params.setLearning(false);
        try {
            double[] lp = logp(into, energy, x, n);
            float[] y = new float[x.length];
            for (int s = 0; s < config.steps(); s++) {
                for (int k = 0; k < x.length; k++) {
                    y[k] = (float) (x[k] + free[k] * config.stepSize() * random.nextGaussian());
                }
                double[] lq = logp(into, energy, y, n);
                for (int i = 0; i < n; i++) {
                    proposed++;
                    double u = random.nextDouble();
                    if (Double.isFinite(lq[i]) && Math.log(u) < lq[i] - lp[i]) {
                        accepted++;
                        System.arraycopy(y, i * dimension, x, i * dimension, dimension);
                        lp[i] = lq[i];
                    }
                }
            }
        } finally {
            if (was != null) {
                params.setLearning(was);
            }
        }
    }

    private double[] logp(NDManager into, EnergyModel energy, float[] x, int n) {
        try (NDManager m = into.newSubManager()) {
            energy.parameters().attach(m);
            float[] v = energy.logDensity(m.create(x, new Shape(n, dimension))).toFloatArray();
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
            return out;
        }
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(chains == null ? 0 : chains.length);
        if (chains != null) {
            DataArrays.writeFloats(out, chains);
        }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len % dimension != 0) {
            throw new IOException("saved Metropolis chains of " + len + " numbers do not fit dimension " + dimension);
        }
        chains = len == 0 ? null : new float[len];
        if (chains != null) {
            DataArrays.readFloats(in, chains);
        }
    }
}
