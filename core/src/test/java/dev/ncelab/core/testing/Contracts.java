package dev.ncelab.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.data.Dataset;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.plugin.Plugin;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The contract every plugin of a kind must meet. Test classes loop these over every registered plugin, so a
 * new plugin cannot skip them.
 */
public final class Contracts {
    private Contracts() {}

    /** Binds a plugin's configuration from YAML text (defaults for missing keys). */
    public static Record bind(Plugin<?, ?> plugin, String yaml) {
        ConfigDocument doc = ConfigDocument.parse(yaml, "contract");
        ConfigBinder binder = new ConfigBinder(doc);
        Record r = binder.bind(plugin.configType(), doc.root(), plugin.getClass().getSimpleName(), Set.of("type"));
        binder.throwIfErrors();
        return r;
    }

    /** Shapes, seed reproducibility, held-out data distinct from training data, a finite true density. */
    public static void dataset(String name, Plugin<?, ?> plugin, Record cfg) {
        try (NDManager m = NDManager.newBaseManager()) {
            Dataset a = (Dataset) plugin.createUnchecked(cfg, new TestContext(1, null, m));
            Dataset b = (Dataset) plugin.createUnchecked(cfg, new TestContext(1, null, m));
            Dataset c = (Dataset) plugin.createUnchecked(cfg, new TestContext(2, null, m));
            Matrix train = a.train();
            assertTrue(train.rows() > 0, name + ": no training rows");
            assertEquals(a.dimension(), train.cols(), name + ": train columns != dimension");
            assertEquals(a.dimension(), a.heldOut().cols(), name + ": held-out columns != dimension");
            assertTrue(a.heldOut().rows() > 0, name + ": no held-out rows");
            for (float v : train.data()) {
                assertTrue(Float.isFinite(v), name + ": non-finite training value");
            }
            assertArrayEquals(train.data(), b.train().data(), name + ": same seed gave different data");
            assertArrayEquals(a.heldOut().data(), b.heldOut().data(), name + ": same seed, different held-out data");
            assertFalse(Arrays.equals(train.data(), c.train().data()) && a.heldOut().rows() == c.heldOut().rows()
                    && Arrays.equals(a.heldOut().data(), c.heldOut().data()), name + ": the seed changes nothing");
            assertFalse(Arrays.equals(train.head(a.heldOut().rows()).data(), a.heldOut().head(train.rows()).data()),
                    name + ": held-out data equals training data");
            a.trueDensity().ifPresent(t -> {
                for (int i = 0; i < Math.min(1000, a.heldOut().rows()); i++) {
                    assertTrue(Double.isFinite(t.logDensity(a.heldOut().row(i))), name + ": true log-density "
                            + "not finite at a held-out point");
                }
            });
        }
    }

    /**
     * Sampling and density agree (log q of the samples from the sampling pass equals logProb of the same
     * points), the same random stream gives the same samples, and in 2-D the density integrates to 1.
     */
    public static void noise(String name, Plugin<?, ?> plugin, Record cfg, Matrix data, double integralTolerance) {
        try (NDManager m = NDManager.newBaseManager()) {
            NoiseModel q = (NoiseModel) plugin.createUnchecked(cfg, new TestContext(3, data, m));
            assertEquals(data.cols(), q.dimension(), name + ": dimension");
            try (NDManager step = m.newSubManager()) {
                q.parameters().attach(step);
                NoiseSample s = q.sample(step, 2000, new Random(5));
                assertArrayEquals(new long[] {2000, data.cols()}, s.x().getShape().getShape(), name + ": sample shape");
                assertArrayEquals(new long[] {2000}, s.logQ().getShape().getShape(), name + ": log q shape");
                float[] fromSample = s.logQ().toFloatArray();
                float[] fromDensity = q.logProb(s.x()).toFloatArray();
                for (int i = 0; i < fromSample.length; i++) {
                    assertTrue(Float.isFinite(fromSample[i]), name + ": non-finite log q");
                    // float32 through every layer in both directions: measured below 1e-4 for maf and glow
                    // (FlowContractTest), exact for gaussian; 2e-3 relative leaves room for deeper flows
                    assertEquals(fromDensity[i], fromSample[i], 2e-3 * Math.max(1, Math.abs(fromDensity[i])),
                            name + ": log q from sampling != logProb at sample " + i);
                }
                NDArray again = q.sample(step, 2000, new Random(5)).x();
                assertArrayEquals(s.x().toFloatArray(), again.toFloatArray(), name + ": same stream, other samples");
            }
            inputGradientSurvivesCollection(name, m, data, q::logProb, q.parameters());
            if (data.cols() == 2) {
                Evaluator.Grid grid = new Evaluator.Grid(new dev.ncelab.core.data.Box(-12, 12, -12, 12), 600);
                double[] logq = Evaluator.apply(m, grid.points(), q::logProb, q.parameters());
                double integral = Math.exp(grid.logIntegral(logq));
                assertEquals(1.0, integral, integralTolerance, name + ": density integrates to " + integral);
            }
        }
    }

    /** An energy model's input gradient survives a garbage collection (see {@link #inputGradientSurvivesCollection}). */
    public static void energy(String name, Plugin<?, ?> plugin, Record cfg, Matrix data) {
        try (NDManager m = NDManager.newBaseManager()) {
            EnergyModel f = (EnergyModel) plugin.createUnchecked(cfg, new TestContext(3, data, m));
            inputGradientSurvivesCollection(name, m, data, f::logDensity, f.parameters());
        }
    }

    /**
     * The gradient of sum(f(x)) with respect to x is the same, bit for bit, whether or not the garbage collector
     * runs between the forward and the backward pass. It is not when f multiplies or divides by a Java number
     * with DJL's own {@code mul(Number)}/{@code div(Number)}, whose scalar can be freed before the backward pass
     * reads it (use {@code core.math.Scalars}).
     */
    public static void inputGradientSurvivesCollection(String name, NDManager m, Matrix data,
            Function<NDArray, NDArray> f, ParameterSet params) {
        int rows = Math.min(200, data.rows());
        float[] x0 = Arrays.copyOf(data.data(), rows * data.cols());
        float[] reference = null;
        for (int round = 0; round < 10; round++) {
            try (NDManager step = m.newSubManager()) {
                params.attach(step);
                params.setLearning(false);
                NDArray x = step.create(x0, new Shape(rows, data.cols()));
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = f.apply(x).sum();
                    if (round > 0) {
                        collectAndPoison();
                    }
                    gc.backward(y);
                }
                float[] g = x.getGradient().toFloatArray();
                if (reference == null) {
                    reference = g;
                } else {
                    assertArrayEquals(reference, g, name + ": the input gradient changed after a garbage collection"
                            + " between forward and backward (round " + round + "); multiply by numbers with"
                            + " core.math.Scalars");
                }
            }
        }
    }

    /** Runs the garbage collector, then refills small blocks of freed native memory with NaN. */
    public static void collectAndPoison() {
        System.gc();
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            keep.add(b);
        }
    }
}
