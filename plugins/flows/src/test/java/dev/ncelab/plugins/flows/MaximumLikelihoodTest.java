package dev.ncelab.plugins.flows;

import static dev.ncelab.plugins.flows.FlowFixtures.array;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.Adam;
import dev.ncelab.core.model.NoiseModel;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A short maximum-likelihood fit on 8gaussians data (Adam, lr 1e-3, batch 500) must clearly raise the held-out
 * log-likelihood, and the fitted density must still integrate to 1 (over the grid points where it is finite). The
 * best possible value is −2.832 (−H).
 */
class MaximumLikelihoodTest {
    private static final int STEPS = 400;

    @ParameterizedTest
    @Tag("long") // 400 steps at batch 500, twice: a training run
    @ValueSource(strings = {"maf", "glow"})
    void fitsEightGaussians(String name) {
        Matrix train = FlowFixtures.eightGaussians(20_000, new Random(21));
        Matrix heldOut = FlowFixtures.eightGaussians(5_000, new Random(22));
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = FlowFixtures.create(name, 42, train, root);
            Adam adam = new Adam(flow.parameters(), 1e-3, 0.9, 0.999);
            double before = FlowFixtures.meanLogProb(flow, root, heldOut);
            Random batches = new Random(23);
            long t0 = System.nanoTime();
            for (int i = 0; i < STEPS; i++) {
                Matrix batch = train.sample(500, batches);
                try (NDManager step = root.newSubManager()) {
                    flow.parameters().attach(step);
                    flow.parameters().setLearning(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(flow.logProb(array(step, batch)).mean().neg());
                    }
                    adam.step();
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6 / STEPS; // printed, not asserted
            flow.parameters().setLearning(false);
            double after = FlowFixtures.meanLogProb(flow, root, heldOut);
            FlowFixtures.Quadrature q = FlowFixtures.integrate(flow, root);
            System.out.printf("[%s] MLE %d steps: held-out mean log q %.3f -> %.3f (%.1f ms/step at batch 500);"
                    + " integral after %.5f, %d non-finite grid points (nearest at radius %.2f)%n", name, STEPS,
                    before, after, ms, q.mass(), q.nonFinite(), q.nearestNonFinite());
            // measured before training: -6.19 (MAF), -4.26 (Glow)
            assertTrue(before < -3.6, "an untrained flow should not already fit: " + before);
            assertTrue(after > THRESHOLD, name + " reached only " + after + " from " + before);
            // measured gains 2.80 (MAF) and 1.18 (Glow)
            assertTrue(after - before > 0.8, name + " improved only from " + before + " to " + after);
            // -H = -2.832 is the ceiling (reference §1.8); log q has sd ~1, so 5,000 held-out points carry a
            // standard error ~0.014 and -2.80 is the ceiling plus 2 of them
            assertTrue(after < -2.80, "better than the true entropy allows: " + after);
            assertEquals(1.0, q.mass(), 0.01); // measured 0.99995 (MAF), 0.99983 (Glow) on FlowFixtures' grid
            // MAF's log-scale is unbounded (as upstream): far from the data exp(-alpha) can overflow float32, where
            // the density is far below e^-30. Such points must stay well outside the data (radius 2.83 +- 0.35).
            assertTrue(q.nonFinite() == 0 || q.nearestNonFinite() > 5, "non-finite log q near the data");
        }
    }

    // measured: -3.276 (MAF) and -3.048 (Glow), the same in every launch since the scalar fix (core.math.Scalars);
    // before it, garbage gradients spread MAF over -3.14 to -3.46. Re-measured on this tree (2026-11-30): -3.390
    // (MAF) and -3.083 (Glow)
    private static final double THRESHOLD = -3.45;
}
