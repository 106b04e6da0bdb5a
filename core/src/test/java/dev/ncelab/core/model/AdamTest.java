package dev.ncelab.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The update guard: a non-finite gradient changes nothing and is cleared. */
class AdamTest {
    private static final double LR = 1e-3;

    /** Runs backward on loss = sum(w * g) (so the gradient is g) and one Adam step; returns the step's result. */
    private static boolean step(NDManager base, ParameterSet p, Adam adam, float... g) {
        try (NDManager step = base.newSubManager()) {
            p.attach(step);
            p.setLearning(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.get("w").mul(step.create(g)).sum());
            }
            return adam.step();
        }
    }

    @Test
    void aNonFiniteGradientChangesNothingAndIsCleared() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet p = new ParameterSet(m);
            p.add("w", new Shape(3), new float[] {1, 2, 3});
            Adam adam = new Adam(p, LR, 0.9, 0.999);
            assertFalse(step(m, p, adam, Float.NaN, 1f, 1f));
            assertFalse(step(m, p, adam, Float.POSITIVE_INFINITY, 1f, 1f));
            assertArrayEquals(new float[] {1, 2, 3}, p.get("w").toFloatArray());
            assertEquals(0, adam.steps());
            // the bad gradients were cleared, not accumulated: the next update is an ordinary first Adam step
            assertTrue(step(m, p, adam, 1f, -1f, 1f));
            NDArray w = p.get("w");
            // Adam's first step moves each weight by lr * sign(g) (bias-corrected m / sqrt v = +-1, eps aside);
            // 1e-6: float32 rounding of values near 3 (3.6e-7 per ulp)
            assertArrayEquals(new float[] {(float) (1 - LR), (float) (2 + LR), (float) (3 - LR)}, w.toFloatArray(),
                    1e-6f);
            assertEquals(1, adam.steps());
        }
    }

    /** Adam in float64 on the same gradients: the reference the fused update must follow. */
    private static double[] adam(double[] w, double[][] grads) {
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] x = w.clone();
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[t - 1][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                x[i] -= LR * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        }
        return x;
    }

    @Test
    void severalArraysMoveTogetherAndGradientsDoNotAccumulate() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet p = new ParameterSet(m);
            p.add("w", new Shape(3), new float[] {1, 2, 3});
            p.add("u", new Shape(2, 1), new float[] {-1, 0.5f});
            Adam adam = new Adam(p, LR, 0.9, 0.999);
            float[][] gw = {{1f, -2f, 0.5f}, {-3f, 0.25f, 4f}, {0.1f, 0.1f, -0.1f}};
            float[][] gu = {{2f, 1f}, {-0.5f, 3f}, {1f, -1f}};
            for (int t = 0; t < 3; t++) {
                try (NDManager step = m.newSubManager()) {
                    p.attach(step);
                    p.setLearning(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.get("w").mul(step.create(gw[t])).sum()
                                .add(p.get("u").mul(step.create(gu[t], new Shape(2, 1))).sum()));
                    }
                    assertTrue(adam.step());
                }
            }
            double[] w = adam(new double[] {1, 2, 3}, new double[][] {{1, -2, 0.5}, {-3, 0.25, 4}, {0.1, 0.1, -0.1}});
            double[] u = adam(new double[] {-1, 0.5}, new double[][] {{2, 1}, {-0.5, 3}, {1, -1}});
            // 1e-6: float32 rounding of values near 3 (3.6e-7 per ulp); a gradient left over from the step before
            // would move a weight by up to lr = 1e-3 more
            assertArrayEquals(toFloat(w), p.get("w").toFloatArray(), 1e-6f);
            assertArrayEquals(toFloat(u), p.get("u").toFloatArray(), 1e-6f);
            assertArrayEquals(toFloat(w), java.util.Arrays.copyOfRange(p.flat().toFloatArray(), 0, 3), 1e-6f);
            // restore writes into the shared memory: the arrays and the flat array see it
            p.restore(java.util.Map.of("w", new float[] {7, 8, 9}, "u", new float[] {5, 6}));
            assertArrayEquals(new float[] {7, 8, 9, 5, 6}, p.flat().toFloatArray());
            assertArrayEquals(new float[] {5, 6}, p.get("u").toFloatArray());
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
