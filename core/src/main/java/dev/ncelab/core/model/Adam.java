package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam over one {@link ParameterSet}, on the engine's fused update (which also zeroes the gradient it used).
 * Its moments and step and clip counts are plain state that a checkpoint can save and restore exactly.
 *
 * <p>Before each update the gradient's global L2 norm is computed (accumulated in double by the engine). A
 * non-finite norm skips the update. A norm above {@code clipFactor} times the running mean of this learner's
 * recent norms (an exponential average over about 100 updates, of the norms after clipping; not during the first
 * {@value #WARMUP} updates) is scaled down to that bound. Why: an FCE flow step now and then meets a data point
 * far outside the flow, where the gradient spikes by many orders of magnitude (measured on MAF: 1.7e9 and 1e33
 * against a median of 3). Unclipped, such a step sets Adam's second moment so high (or to +inf in float32) that
 * the parameters it touched barely move for tens of thousands of steps. The bound is relative because typical
 * norms differ by model (median 3 for MAF, 15 for Glow, 0.5-0.8 for the EBM), and a factor of 10 stays well
 * above their ordinary fluctuations (99th percentile at 2-5 times the median).
 */
public final class Adam {
    private final ParameterSet parameters;
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    /** Updates before the relative clip starts; the running mean is built over them. */
    static final int WARMUP = 20;
    private static final double NORM_DECAY = 0.99;
    private final double clipFactor;
    private double meanNorm;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private int steps;
    private int clipped;

    /** {@code clipFactor} null: no clipping (non-finite gradients are still skipped). */
    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2, Double clipFactor) {
        this.parameters = parameters;
        this.clipFactor = clipFactor == null ? Double.POSITIVE_INFINITY : clipFactor;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = 1e-8;
        parameters.arrays().forEach((k, v) -> {
            means.put(k, v.zerosLike());
            variances.put(k, v.zerosLike());
        });
    }

    /**
     * One update from the gradients the last backward pass left on the parameters, if their norm is finite. A
     * finite loss can still have an overflowing gradient (an early MAF sample, reference.md §10); then the
     * gradients are cleared, nothing changes (moments included), and the step reports false.
     */
    public boolean step() {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        parameters.arrays().forEach((k, w) -> grads.put(k, w.getGradient()));
        try {
            NDList norms = new NDList(grads.size());
            grads.values().forEach(g -> norms.add(g.norm(false)));
            double norm;
            try (NDArray all = NDArrays.stack(norms); NDArray n = all.norm(false)) {
                norm = n.getFloat();
            } finally {
                norms.close();
            }
            if (!Double.isFinite(norm)) {
                grads.values().forEach(g -> g.set(new NDIndex("..."), 0f));
                return false;
            }
            double bound = steps < WARMUP ? Double.POSITIVE_INFINITY : clipFactor * meanNorm;
            if (norm > bound) {
                float scale = (float) (bound / norm);
                grads.values().forEach(g -> g.muli(scale));
                clipped++;
                norm = bound;
            }
            meanNorm = steps == 0 ? norm : NORM_DECAY * meanNorm + (1 - NORM_DECAY) * norm;
            steps++;
            double coef1 = 1 - Math.pow(beta1, steps);
            double coef2 = 1 - Math.pow(beta2, steps);
            float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
            for (Map.Entry<String, NDArray> e : parameters.arrays().entrySet()) {
                NDArray w = e.getValue();
                w.getNDArrayInternal().adamUpdate(
                        new NDList(w, grads.get(e.getKey()), means.get(e.getKey()), variances.get(e.getKey())),
                        new NDList(w), (float) learningRate, corrected, 0f, 1f, -1f, (float) beta1, (float) beta2,
                        (float) epsilon, true, false);
            }
            return true;
        } finally {
            grads.values().forEach(NDArray::close);
        }
    }

    public int steps() {
        return steps;
    }

    /** Updates whose gradient was scaled down to the clip bound. */
    public int clipped() {
        return clipped;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        out.writeInt(clipped);
        out.writeDouble(meanNorm);
        ParameterSet.writeArrays(out, means);
        ParameterSet.writeArrays(out, variances);
    }

    public void read(DataInputStream in) throws IOException {
        steps = in.readInt();
        clipped = in.readInt();
        meanNorm = in.readDouble();
        restore(means, ParameterSet.readArrays(in));
        restore(variances, ParameterSet.readArrays(in));
    }

    private static void restore(Map<String, NDArray> target, Map<String, float[]> values) {
        target.forEach((k, v) -> v.set(values.get(k)));
    }
}
