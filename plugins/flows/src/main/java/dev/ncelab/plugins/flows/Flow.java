package dev.ncelab.plugins.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.math.Scalars;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A normalising flow as a trainable noise model: an invertible map between data x and a standard-normal base z.
 * Subclasses give both directions with their log-determinants; this class turns them into log q(x) (data
 * direction) and into reparameterised samples whose log q comes from the same pass and the base draw.
 *
 * <p>Memory: parameters live in a {@link ParameterSet} on a long-lived manager; constants (masks, permutations)
 * too. Every computation keeps an input- or parameter-derived array as the first operand, so results land in the
 * manager of the input (or of the parameters, which the training loop attaches to the step's manager).
 */
abstract class Flow implements NoiseModel {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    protected final int dim;
    protected final ParameterSet params;
    private final int pretrainSteps;
    /** Where {@link #derived} keeps its arrays while the parameters are frozen, and for which version. */
    private NDManager kept;
    private long keptVersion;
    private Derived keptValue;
    /** While the flow learns: the step manager {@link #derived} last computed for, and what it computed. */
    private NDManager derivedFor;
    private long derivedVersion;
    private Derived derivedValue;

    Flow(int dim, ParameterSet params, int pretrainSteps) {
        this.dim = dim;
        this.params = params;
        this.pretrainSteps = pretrainSteps;
    }

    /** x to z, with log|det dz/dx| per row. */
    abstract Transformed toBase(NDArray x);

    /** z to x, with log|det dx/dz| per row. */
    abstract Transformed fromBase(NDArray z);

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    @Override
    public int pretrainSteps() {
        return pretrainSteps;
    }

    @Override
    public NDArray logProb(NDArray x) {
        Transformed t = toBase(x);
        return baseLogProb(t.y()).add(t.logDet());
    }

    @Override
    public NoiseSample sample(NDManager manager, int n, Random random) {
        float[] v = new float[n * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        NDArray z = manager.create(v, new Shape(n, dim));
        Transformed t = fromBase(z);
        return new NoiseSample(t.y(), baseLogProb(z).sub(t.logDet()));
    }

    /** Arrays computed from the parameters alone (masked or folded weights, linear maps). */
    interface Derived {
        /** Moves every array into {@code manager}, to outlive the step that computed them. */
        void keepIn(NDManager manager);
    }

    /**
     * What a pass needs from the parameters alone, computed as rarely as the parameters allow. While the flow is
     * frozen (FCE's EBM steps, evaluation), it is computed once per version of the parameters and kept across
     * steps, outside any graph. While the flow learns, it is computed once per step (the input's manager): the
     * step's two passes, sampling and the data's log q, share it, and the gradients of both flow through it.
     */
    @SuppressWarnings("unchecked")
    final <T extends Derived> T derived(NDArray input, Supplier<T> compute) {
        if (Boolean.TRUE.equals(params.learning())) {
            NDManager m = input.getManager();
            if (derivedFor != m || derivedVersion != params.version() || derivedValue == null) {
                derivedValue = compute.get();
                derivedFor = m;
                derivedVersion = params.version();
            }
            return (T) derivedValue;
        }
        if (keptValue == null || keptVersion != params.version()) {
            if (kept != null) {
                kept.close();
            }
            kept = params.manager().newSubManager();
            keptValue = compute.get();
            keptValue.keepIn(kept);
            keptVersion = params.version();
        }
        return (T) keptValue;
    }

    /** log N(z; 0, I) per row. */
    final NDArray baseLogProb(NDArray z) {
        return Scalars.mul(z.square().sum(new int[] {1}), -0.5f).sub((float) (0.5 * dim * LOG_2PI));
    }

    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
}
