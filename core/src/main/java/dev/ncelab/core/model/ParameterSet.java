package dev.ncelab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.run.DataArrays;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 *
 * <p>An optimizer {@linkplain #seal() seals} the set: from then on every array is a window on one 64-byte aligned
 * block of memory that is also one flat array ({@link #flat()}), so the optimizer updates all of them in one
 * engine call instead of one call per array. Each array stays its own leaf with its own gradient. After sealing,
 * values are written only through {@link #restore} and {@link #set}, which write into the block.
 */
public final class ParameterSet {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private Boolean learning;
    private long version;
    /** After {@link #seal()}: the block every array is a window on, its flat array, and each array's offset. */
    private ByteBuffer block;
    private NDArray flat;
    private final Map<String, Integer> offsets = new LinkedHashMap<>();

    public ParameterSet(NDManager manager) {
        this.manager = manager;
    }

    /** Adds a parameter with the given initial values (drawn by the plugin from its seeded stream). */
    public NDArray add(String name, Shape shape, float[] values) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        if (flat != null) {
            throw new IllegalStateException("parameter " + name + " added after an optimizer took the set");
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

    /**
     * Moves every array's values into one aligned block of memory and makes the arrays windows on it (idempotent).
     * The values and the arrays' identities stay; only where their memory lies changes.
     */
    public void seal() {
        if (flat != null || arrays.isEmpty()) {
            return;
        }
        int total = 0;
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            offsets.put(e.getKey(), total);
            total += (int) e.getValue().getShape().size();
        }
        ByteBuffer raw = ByteBuffer.allocateDirect(total * Float.BYTES + 64);
        int misaligned = raw.alignmentOffset(0, 64);
        block = raw.slice(misaligned == 0 ? 0 : 64 - misaligned, total * Float.BYTES).order(ByteOrder.nativeOrder());
        FloatBuffer floats = block.asFloatBuffer();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            int at = offsets.get(e.getKey());
            floats.put(at, v);
            e.getValue().set(block.slice(at * Float.BYTES, v.length * Float.BYTES).order(ByteOrder.nativeOrder()));
        }
        flat = manager.create(block, new Shape(total), DataType.FLOAT32);
        flat.setName("parameters");
    }

    /** Every value in one array (the arrays in insertion order), sharing memory with them; seals the set. */
    public NDArray flat() {
        seal();
        return flat;
    }

    /**
     * Copies every value, in {@link #flat()}'s order, into {@code into} (of {@link #count()} floats): a memory copy
     * from the sealed block, with no engine call. Seals the set.
     */
    public void copyValues(float[] into) {
        seal();
        block.asFloatBuffer().get(0, into);
    }

    /** The values of the flat array split by parameter (for an optimizer's state of the same layout). */
    public Map<String, float[]> split(float[] all) {
        seal();
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            int at = offsets.get(k);
            out.put(k, java.util.Arrays.copyOfRange(all, at, at + (int) v.getShape().size()));
        });
        return out;
    }

    /** The inverse of {@link #split}. */
    public float[] join(Map<String, float[]> values) {
        seal();
        float[] all = new float[(int) flat.getShape().size()];
        arrays.forEach((k, v) -> {
            float[] src = values.get(k);
            if (src == null || src.length != v.getShape().size()) {
                throw new IllegalArgumentException("checkpoint has no matching values for parameter " + k);
            }
            System.arraycopy(src, 0, all, offsets.get(k), src.length);
        });
        return all;
    }

    /** Overwrites one parameter's values in place. */
    public void set(String name, float[] values) {
        NDArray a = get(name);
        if (values.length != a.getShape().size()) {
            throw new IllegalArgumentException("parameter " + name + " has " + a.getShape().size() + " values, not "
                    + values.length);
        }
        if (flat != null) {
            block.asFloatBuffer().put(offsets.get(name), values);
        } else {
            a.set(values);
        }
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
        });
        values.forEach((k, v) -> {
            if (arrays.containsKey(k)) {
                set(k, v);
            }
        });
    }

    public void write(DataOutputStream out) throws IOException {
        writeArrays(out, arrays);
    }

    public void read(DataInputStream in) throws IOException {
        restore(readArrays(in));
    }

    static void writeArrays(DataOutputStream out, Map<String, NDArray> arrays) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        arrays.forEach((k, a) -> values.put(k, a.toType(DataType.FLOAT32, false).toFloatArray()));
        writeValues(out, values);
    }

    static void writeValues(DataOutputStream out, Map<String, float[]> values) throws IOException {
        out.writeInt(values.size());
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            out.writeUTF(e.getKey());
            float[] v = e.getValue();
            out.writeInt(v.length);
            DataArrays.writeFloats(out, v);
        }
    }

    static Map<String, float[]> readArrays(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            float[] v = new float[in.readInt()];
            DataArrays.readFloats(in, v);
            out.put(name, v);
        }
        return out;
    }
}
