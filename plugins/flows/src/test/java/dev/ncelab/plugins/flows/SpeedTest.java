package dev.ncelab.plugins.flows;

import static dev.ncelab.plugins.flows.FlowFixtures.array;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow's share of an FCE step at batch 1000: logProb of data, a sample with its log q, one backward pass.
 * Also the flow's share of an energy step (logProb and sample without gradients). Prints milliseconds per step
 * for the record; it asserts no wall-clock bound (on 2 shared cores that measures the neighbours). What it asserts
 * is what makes steps slow down over a run: every array a step creates is freed with the step's manager, so the
 * long-lived manager holds as many arrays after 80 steps as after 20, and the gradients stay finite. Also that a
 * frozen flow's kept arrays ({@link Flow#derived}) are the ones a fresh computation gives.
 */
class SpeedTest {
    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void flowStepAtBatch1000(String name) {
        Matrix data = FlowFixtures.eightGaussians(1000, new Random(31));
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = FlowFixtures.create(name, 42, data, root);
            Random noise = new Random(32);
            int warmup = 20;
            int timed = 60;
            long t0 = 0;
            int held = 0;
            for (int i = 0; i < warmup + timed; i++) {
                if (i == warmup) {
                    t0 = System.nanoTime();
                    held = root.getManagedArrays().size();
                }
                try (NDManager step = root.newSubManager()) {
                    flow.parameters().attach(step);
                    flow.parameters().setLearning(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray lq = flow.logProb(array(step, data));
                        NoiseSample s = flow.sample(step, 1000, noise);
                        NDArray loss = s.logQ().mean().sub(lq.mean()).add(s.x().square().mean());
                        gc.backward(loss);
                    }
                    for (NDArray p : flow.parameters().arrays().values()) {
                        assertTrue(Float.isFinite(p.getGradient().abs().sum().getFloat()), name + ": gradient of "
                                + p.getName() + " at step " + i);
                    }
                    flow.parameters().arrays().values().forEach(p -> p.getGradient().subi(p.getGradient()));
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6 / timed; // printed, not asserted
            assertEquals(held, root.getManagedArrays().size(), name + ": arrays left behind by 60 training steps");
            // an energy step: the flow only gives samples and log q, without gradients
            // (a frozen flow keeps the arrays it derives from its parameters across steps: counted after the warm-up)
            flow.parameters().setLearning(false);
            long t1 = 0;
            for (int i = 0; i < warmup + timed; i++) {
                if (i == warmup) {
                    t1 = System.nanoTime();
                    held = root.getManagedArrays().size();
                }
                try (NDManager step = root.newSubManager()) {
                    flow.parameters().attach(step);
                    flow.logProb(array(step, data)).toFloatArray();
                    flow.sample(step, 1000, noise).logQ().toFloatArray();
                }
            }
            double forward = (System.nanoTime() - t1) / 1e6 / timed; // printed, not asserted
            assertEquals(held, root.getManagedArrays().size(), name + ": arrays left behind by 60 energy steps");
            System.out.printf("[%s] batch 1000: logProb + sample + backward %.2f ms; logProb + sample, no gradient"
                    + " %.2f ms%n", name, ms, forward);
        }
    }
}
