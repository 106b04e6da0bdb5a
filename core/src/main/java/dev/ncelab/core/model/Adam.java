package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam over one {@link ParameterSet}, as one engine call on the set's flat array: the gradients of all arrays are
 * gathered into one vector, checked for finiteness at once, and the fused update moves every value in place (the
 * arrays are windows on the flat one). Per step that is a handful of engine calls per array (read, flatten and
 * clear its gradient) instead of a whole update each. Its moments and step count are plain state that a checkpoint
 * saves and restores exactly, by parameter name.
 */
public final class Adam {
    private final ParameterSet parameters;
    private double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final NDArray flat;
    private final NDArray mean;
    private final NDArray variance;
    private int steps;

    public Adam(ParameterSet parameters, double learningRate, double beta1, double beta2) {
        this.parameters = parameters;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = 1e-8;
        this.flat = parameters.flat();
        this.mean = flat.zerosLike();
        this.variance = flat.zerosLike();
    }

    /**
     * One update from the gradients the last backward pass left on the parameters, if they are all finite. A
     * finite loss can still have an overflowing gradient (an early MAF sample, docs/reference-implementation.md §10); then
     * nothing changes (moments included) and the step reports false. Either way the gradients are cleared.
     */
    public boolean step() {
        List<NDArray> grads = new ArrayList<>();
        parameters.arrays().values().forEach(w -> grads.add(w.getGradient()));
        try {
            NDList flatGrads = new NDList(grads.size());
            grads.forEach(g -> flatGrads.add(g.reshape(-1)));
            NDArray g = NDArrays.concat(flatGrads);
            if (!Float.isFinite(g.sum().getFloat())) {
                return false;
            }
            steps++;
            double coef1 = 1 - Math.pow(beta1, steps);
            double coef2 = 1 - Math.pow(beta2, steps);
            float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
            flat.getNDArrayInternal().adamUpdate(new NDList(flat, g, mean, variance), new NDList(flat),
                    (float) learningRate, corrected, 0f, 1f, -1f, (float) beta1, (float) beta2, (float) epsilon,
                    true, false);
            parameters.changed();
            return true;
        } finally {
            // the engine adds each backward pass's gradient to the last: clear them (0, not g - g: NaN - NaN)
            grads.forEach(g -> g.set(ALL, 0f));
            grads.forEach(NDArray::close);
        }
    }

    private static final NDIndex ALL = new NDIndex("...");

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
        ParameterSet.writeValues(out, parameters.split(mean.toFloatArray()));
        ParameterSet.writeValues(out, parameters.split(variance.toFloatArray()));
    }

    public void read(DataInputStream in) throws IOException {
        steps = in.readInt();
        mean.set(parameters.join(ParameterSet.readArrays(in)));
        variance.set(parameters.join(ParameterSet.readArrays(in)));
    }
}
