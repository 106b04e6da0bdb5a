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
 * non-finite norm skips the update; a norm above {@code maxGradNorm} scales the gradient down to it. Why: an
 * FCE flow step now and then meets a data point far outside the flow, where the gradient spikes by many orders of
 * magnitude (measured: 1.7e9 and 1e33 against a median of 3). Unclipped, such a step sets Adam's second moment
 * so high (or to +inf in float32) that the parameters it touched barely move for tens of thousands of steps.
 */
public final class Adam {
    private final ParameterSet parameters;
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double maxGradNorm;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private int steps;
    private int clipped;

    /** {@code maxGradNorm} null: no clipping (non-finite gradients are still skipped). */
    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2, Double maxGradNorm) {
        this.parameters = parameters;
        this.maxGradNorm = maxGradNorm == null ? Double.POSITIVE_INFINITY : maxGradNorm;
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
            if (norm > maxGradNorm) {
                float scale = (float) (maxGradNorm / norm);
                grads.values().forEach(g -> g.muli(scale));
                clipped++;
            }
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

    /** Updates whose gradient was scaled down to {@code maxGradNorm}. */
    public int clipped() {
        return clipped;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        out.writeInt(clipped);
        ParameterSet.writeArrays(out, means);
        ParameterSet.writeArrays(out, variances);
    }

    public void read(DataInputStream in) throws IOException {
        steps = in.readInt();
        clipped = in.readInt();
        restore(means, ParameterSet.readArrays(in));
        restore(variances, ParameterSet.readArrays(in));
    }

    private static void restore(Map<String, NDArray> target, Map<String, float[]> values) {
        target.forEach((k, v) -> v.set(values.get(k)));
    }
}
