package dev.ncelab.plugins.samplers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.InputGradient;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.run.DataArrays;
import dev.ncelab.core.sample.Sampler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Unadjusted Langevin dynamics: x <- x + eps/2 grad log p(x) + s sqrt(eps) N(0, I), on the free coordinates.
 *
 * <p>The chains live in Java arrays; each step evaluates the input gradient in a sub-manager of the caller's
 * manager that is closed at once, so the caller's manager ends up holding only the result, and no parameter
 * gradient is recorded ({@link InputGradient}). All randomness (starts, buffer picks, injected noise) comes from
 * the {@link Random} given, so a seed repeats a draw exactly. A gradient coordinate that is not finite is treated
 * as 0 for that step (and counted in the log).
 */
final class LangevinSampler implements Sampler {
    private static final Logger LOG = LogManager.getLogger(LangevinSampler.class);
    private static final int BUFFER_MAGIC = 0x4C414E47; // "LANG"

    private final LangevinConfig config;
    private final double[] lo;
    private final double[] hi;
    private final NoiseModel noise;
    private float[] buffer; // bufferSize x D, filled on first use
    private boolean warnedNoNoise;

    LangevinSampler(LangevinConfig config, double[] lo, double[] hi, NoiseModel noise) {
        this.config = config;
        this.lo = lo.clone();
        this.hi = hi.clone();
        this.noise = noise;
    }

    private int dimension() {
        return lo.length;
    }

    @Override
    public NDArray sample(NDManager into, EnergyModel energy, int n, Random random) {
        int d = dimension();
        float[] x;
        int[] picks = null;
        switch (config.init()) {
            case NOISE -> x = noise != null ? fromNoise(into, n, random) : uniformOnce(n, random);
            case UNIFORM -> x = uniform(n, random);
            case BUFFER -> {
                if (buffer == null) {
                    buffer = uniform(config.bufferSize(), random);
                }
                picks = new int[n];
                x = new float[n * d];
                for (int i = 0; i < n; i++) {
                    picks[i] = random.nextInt(config.bufferSize());
                    if (random.nextDouble() < config.reinitProbability()) {
                        System.arraycopy(uniform(1, random), 0, x, i * d, d);
                    } else {
                        System.arraycopy(buffer, picks[i] * d, x, i * d, d);
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        float[] mask = new float[n * d];
        Arrays.fill(mask, 1f);
        run(into, energy, x, mask, n, random);
        if (picks != null) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * d, buffer, picks[i] * d, d);
            }
        }
        return into.create(x, new Shape(n, d));
    }

    @Override
    public NDArray sampleFrom(NDManager into, EnergyModel energy, NDArray start, NDArray free, Random random) {
        Shape shape = start.getShape();
        if (shape.dimension() != 2 || shape.get(1) != dimension() || !free.getShape().equals(shape)) {
            throw new IllegalArgumentException("expected start points and a free mask of shape (n, " + dimension()
                    + "), found " + shape + " and " + free.getShape());
        }
        int n = (int) shape.get(0);
        float[] x = start.toType(DataType.FLOAT32, false).toFloatArray();
        float[] mask = free.toType(DataType.FLOAT32, false).toFloatArray();
        run(into, energy, x, mask, n, random);
        return into.create(x, shape);
    }

    /** Runs the chains in place; coordinates whose mask is 0 are never written. */
    private void run(NDManager into, EnergyModel energy, float[] x, float[] mask, int n, Random random) {
        int d = dimension();
        double eps = config.stepSize();
        double sigma = config.noiseScale() * Math.sqrt(eps);
        double clip = config.clipGrad() == null ? Double.POSITIVE_INFINITY : config.clipGrad();
        long nonFinite = 0;
        Shape shape = new Shape(n, d);
        try (NDManager scope = into.newSubManager()) {
            for (int step = 0; step < config.steps(); step++) {
                float[] g;
                try (NDManager it = scope.newSubManager()) {
                    energy.parameters().attach(it);
                    g = InputGradient.of(energy, it.create(x, shape)).toFloatArray();
                }
                for (int k = 0; k < x.length; k++) {
                    double noiseDraw = random.nextGaussian(); // drawn for every cell, so masks never shift the stream
                    if (mask[k] == 0f) {
                        continue;
                    }
                    double gk = g[k];
                    if (!Double.isFinite(gk)) {
                        nonFinite++;
                        gk = 0;
                    }
                    gk = Math.max(-clip, Math.min(clip, gk));
                    double v = x[k] + 0.5 * eps * gk + sigma * noiseDraw;
                    if (config.clamp()) {
                        int j = k % d;
                        v = Math.max(lo[j], Math.min(hi[j], v));
                    }
                    x[k] = (float) v;
                }
            }
        }
        if (nonFinite > 0) {
            LOG.warn("Langevin: {} gradient coordinates were not finite and were treated as 0", nonFinite);
        }
    }

    private float[] fromNoise(NDManager into, int n, Random random) {
        try (NDManager sub = into.newSubManager()) {
            noise.parameters().attach(sub);
            return noise.sample(sub, n, random).x().toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private float[] uniformOnce(int n, Random random) {
        if (!warnedNoNoise) {
            LOG.info("Langevin: init noise, but there is no noise model; starting from the uniform box");
            warnedNoNoise = true;
        }
        return uniform(n, random);
    }

    private float[] uniform(int n, Random random) {
        int d = dimension();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (lo[j] + (hi[j] - lo[j]) * random.nextDouble());
            }
        }
        return x;
    }

    /** The replay buffer (when one has been filled): size, dimension and the points. */
    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(BUFFER_MAGIC);
        out.writeInt(buffer == null ? 0 : config.bufferSize());
        out.writeInt(dimension());
        if (buffer != null) {
            DataArrays.writeFloats(out, buffer);
        }
    }

    @Override
    public void load(DataInputStream in) throws IOException {
        if (in.readInt() != BUFFER_MAGIC) {
            throw new IOException("not a Langevin sampler state");
        }
        int size = in.readInt();
        int d = in.readInt();
        if (d != dimension() || (size != 0 && size != config.bufferSize())) {
            throw new IOException("the saved replay buffer has " + size + " points of dimension " + d
                    + ", this sampler keeps " + config.bufferSize() + " of dimension " + dimension()
                    + ": keep sampler.buffer_size as it was when the state was saved");
        }
        if (size == 0) {
            buffer = null;
            return;
        }
        float[] b = new float[size * d];
        DataArrays.readFloats(in, b);
        buffer = b;
    }
}
