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

/** The update guard: a spiking gradient is scaled down to the bound, a non-finite one changes nothing. */
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

    /**
     * 50 ordinary steps (norm 1.7), a spike of norm 5e9 on the first two coordinates, then 100 ordinary steps
     * pointing the other way; returns the per-step movement over the last ten.
     */
    private static float[] movementAfterSpike(Double clipFactor) {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet p = new ParameterSet(m);
            p.add("w", new Shape(3), new float[3]);
            Adam adam = new Adam(p, LR, 0.9, 0.999, clipFactor);
            for (int i = 0; i < 50; i++) {
                assertTrue(step(m, p, adam, 1f, 1f, 1f));
            }
            assertEquals(0, adam.clipped(), "ordinary steps were clipped");
            assertTrue(step(m, p, adam, 3e9f, 4e9f, 0f));
            float[] before = null;
            for (int i = 0; i < 100; i++) {
                if (i == 90) {
                    before = p.get("w").toFloatArray();
                }
                assertTrue(step(m, p, adam, -1f, -1f, -1f));
            }
            float[] after = p.get("w").toFloatArray();
            assertEquals(clipFactor == null ? 0 : 1, adam.clipped());
            return new float[] {(after[0] - before[0]) / 10, (after[1] - before[1]) / 10, (after[2] - before[2]) / 10};
        }
    }

    @Test
    void aClippedSpikeLeavesLaterUpdatesTheirSize() {
        // the spike was scaled down to 10 x the running norm: 100 steps later every coordinate moves at near lr
        for (float d : movementAfterSpike(10.0)) {
            assertTrue(d > 0.5 * LR, "update too small 100 steps after a clipped spike: " + d);
        }
    }

    @Test
    void anUnclippedSpikeFreezesTheCoordinatesItTouched() {
        float[] moved = movementAfterSpike(null);
        // Adam's second moment still remembers 1e-3 * (4e9)^2: those coordinates move by ~1e-9 lr per step
        assertTrue(Math.abs(moved[0]) < 1e-3 * LR && Math.abs(moved[1]) < 1e-3 * LR,
                "expected frozen coordinates, moved " + moved[0] + ", " + moved[1]);
        assertTrue(moved[2] > 0.5 * LR, "the coordinate the spike missed should move: " + moved[2]);
    }

    @Test
    void aNonFiniteGradientChangesNothingAndIsCleared() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet p = new ParameterSet(m);
            p.add("w", new Shape(3), new float[] {1, 2, 3});
            Adam adam = new Adam(p, LR, 0.9, 0.999, 10.0);
            assertFalse(step(m, p, adam, Float.NaN, 1f, 1f));
            assertFalse(step(m, p, adam, Float.POSITIVE_INFINITY, 1f, 1f));
            assertArrayEquals(new float[] {1, 2, 3}, p.get("w").toFloatArray());
            assertEquals(0, adam.steps());
            // the bad gradients were cleared, not accumulated: the next update is an ordinary first Adam step
            assertTrue(step(m, p, adam, 1f, -1f, 1f));
            NDArray w = p.get("w");
            assertArrayEquals(new float[] {(float) (1 - LR), (float) (2 + LR), (float) (3 - LR)}, w.toFloatArray(),
                    1e-6f);
            assertEquals(1, adam.steps());
        }
    }
}
