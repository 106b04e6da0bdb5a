package dev.ncelab.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.testing.Contracts;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The scalar of a multiplication must outlive a garbage collection between the forward and the backward pass.
 * Each round builds y = sum(x * 3) (or x / 0.5), collects garbage, refills freed native memory with NaN, then
 * differentiates: the gradient must be exactly 3 (or 2) everywhere. DJL's own {@code mul(Number)} fails this.
 */
class ScalarsTest {
    private static final float[] ONES = {1, 1, 1, 1};

    private static void gradientSurvivesCollection(BiFunction<NDArray, Float, NDArray> op, float s, float expected) {
        float[] want = {expected, expected, expected, expected};
        for (int round = 0; round < 30; round++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(ONES);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = op.apply(x, s).sum();
                    Contracts.collectAndPoison();
                    gc.backward(y);
                }
                assertArrayEquals(want, x.getGradient().toFloatArray(), "round " + round);
            }
        }
    }

    @Test
    void aMultiplicationsScalarLivesUntilTheBackwardPass() {
        gradientSurvivesCollection(Scalars::mul, 3f, 3f);
    }

    @Test
    void aDivisionsScalarLivesUntilTheBackwardPass() {
        gradientSurvivesCollection(Scalars::div, 0.5f, 2f);
    }
}
