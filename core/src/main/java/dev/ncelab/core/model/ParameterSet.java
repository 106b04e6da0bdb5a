package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named trainable arrays of one model, owned by a long-lived manager.
 *
 * <p>During a training step the loop {@linkplain #attach(NDManager) borrows} every array into the step's
 * manager, so whatever a forward pass computes from them is freed with the step, whichever operand comes
 * first. Only one player learns per step: {@link #setLearning(boolean)} switches gradient recording on or off.
 */
public final class ParameterSet {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private Boolean learning;
    private long version;

    public ParameterSet(NDManager manager) {
        this.manager = manager;
    }

    /** Adds a parameter with the given initial values (drawn by the plugin from its seeded stream). */
    public NDArray add(String name, Shape shape, float[] values) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        NDArray a = manager.create(values, shape);
        a.setName(name);
        arrays.put(name, a);
        learning = null;
        return a;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public Collection<String> names() {
        return arrays.keySet();
    }

    public boolean isEmpty() {
        return arrays.isEmpty();
    }

    /** The number of scalar parameters. */
    public long count() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Records gradients for these arrays (true) or treats them as constants (false). */
    public void setLearning(boolean on) {
        if (learning == null || learning != on) {
            arrays.values().forEach(a -> a.setRequiresGradient(on));
            learning = on;
        }
    }

    /** Whether gradients are recorded (null before the first {@link #setLearning}). */
    public Boolean learning() {
        return learning;
    }

    /** Lends every array to a step's manager until it closes. */
    public void attach(NDManager step) {
        arrays.values().forEach(a -> a.tempAttach(step));
    }

    /** The long-lived manager that owns the arrays. */
    public NDManager manager() {
        return manager;
    }

    /**
     * A number that changes whenever the values may have changed ({@link #restore}, {@link #changed}): what a
     * model computes from its parameters alone can be kept while it stays the same.
     */
    public long version() {
        return version;
    }

    /** Marks the values as changed in place: whoever writes into the arrays directly (an optimizer) calls it. */
    public void changed() {
        version++;
    }

    /** A copy of the values, for checkpoints and tests. */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Overwrites values in place (the arrays keep their identity and optimizer state). */
    public void restore(Map<String, float[]> values) {
        arrays.forEach((k, v) -> {
            float[] src = values.get(k);
            if (src == null || src.length != v.getShape().size()) {
                throw new IllegalArgumentException("checkpoint has no matching values for parameter " + k);
            }
            v.set(src);
        });
        version++;
    }

    public void write(DataOutputStream out) throws IOException {
        writeArrays(out, arrays);
    }

    public void read(DataInputStream in) throws IOException {
        restore(readArrays(in));
    }

    static void writeArrays(DataOutputStream out, Map<String, NDArray> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            float[] v = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            out.writeInt(v.length);
            for (float f : v) {
                out.writeFloat(f);
            }
        }
    }

    static Map<String, float[]> readArrays(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            float[] v = new float[in.readInt()];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readFloat();
            }
            out.put(name, v);
        }
        return out;
    }
}
