package dev.ncelab.core.testing;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.PluginKind;
import java.nio.file.Path;
import java.util.Random;

/** A {@link PluginContext} for tests: a seed, optional training data, and a manager the test closes. */
public final class TestContext implements PluginContext {
    private final long seed;
    private final Matrix data;
    private final int dimension;
    private final NDManager manager;
    private final java.util.Map<PluginKind, Object> components = new java.util.HashMap<>();

    public TestContext(long seed, Matrix data, NDManager manager) {
        this(seed, data, data == null ? 2 : data.cols(), manager);
    }

    public TestContext(long seed, Matrix data, int dimension, NDManager manager) {
        this.seed = seed;
        this.data = data;
        this.dimension = dimension;
        this.manager = manager;
    }

    /** Makes a component (an energy or noise model) available to plugins created with this context. */
    public TestContext with(PluginKind kind, Object component) {
        components.put(kind, component);
        return this;
    }

    @Override
    public <T> T require(PluginKind kind, Class<T> type) {
        return optional(kind, type).orElseThrow(() -> new IllegalStateException("no " + kind + " in this test context"));
    }

    @Override
    public <T> java.util.Optional<T> optional(PluginKind kind, Class<T> type) {
        return java.util.Optional.ofNullable(components.get(kind)).map(type::cast);
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Random random(String stream) {
        return new Random(PluginContext.streamSeed(seed, stream));
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Matrix trainingData() {
        if (data == null) {
            throw new IllegalStateException("no training data in this test context");
        }
        return data;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Path runDirectory() {
        return null;
    }
}
