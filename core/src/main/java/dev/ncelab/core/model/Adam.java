package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam over one {@link ParameterSet}, on the engine's fused update (which also zeroes the gradient it used).
 * Its moments and step count are plain state that a checkpoint can save and restore exactly.
 */
public final class Adam {
    private final ParameterSet parameters;
    private double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private int steps;

    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2) {
        this.parameters = parameters;
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
     * One update from the gradients the last backward pass left on the parameters, if they are all finite. A
     * finite loss can still have an overflowing gradient (an early MAF sample, docs/reference.md §10); then the
     * gradients are cleared, nothing changes (moments included), and the step reports false.
     */
    public boolean step() {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        parameters.arrays().forEach((k, w) -> grads.put(k, w.getGradient()));
        try {
            NDArray total = null;
            for (NDArray g : grads.values()) {
                total = total == null ? g.sum() : total.add(g.sum());
            }
            if (total != null && !Float.isFinite(total.getFloat())) {
                grads.values().forEach(g -> g.set(new NDIndex("..."), 0f));
                return false;
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
            parameters.changed();
            return true;
        } finally {
            grads.values().forEach(NDArray::close);
        }
    }

    public double learningRate() {
        return learningRate;
    }

    /** Changes the learning rate from the next step on (a learning-rate schedule). */
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public int steps() {
        return steps;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        ParameterSet.writeArrays(out, means);
        ParameterSet.writeArrays(out, variances);
    }

    public void read(DataInputStream in) throws IOException {
        steps = in.readInt();
        restore(means, ParameterSet.readArrays(in));
        restore(variances, ParameterSet.readArrays(in));
    }

    private static void restore(Map<String, NDArray> target, Map<String, float[]> values) {
        target.forEach((k, v) -> v.set(values.get(k)));
    }
}
