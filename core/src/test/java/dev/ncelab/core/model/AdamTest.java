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
}
