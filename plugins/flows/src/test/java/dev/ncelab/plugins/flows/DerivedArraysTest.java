package dev.ncelab.plugins.flows;

import static dev.ncelab.plugins.flows.FlowFixtures.array;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A frozen flow keeps what it derives from its parameters across steps ({@link Flow#derived}); a learning flow
 * derives it afresh in every step. Both must give the same log q and samples, and a change of the parameters
 * must never leave the kept arrays stale.
 */
class DerivedArraysTest {
    static float[][] logProbAndSample(NoiseModel flow, NDManager root, Matrix x, boolean learning) {
        try (NDManager step = root.newSubManager()) {
            flow.parameters().attach(step);
            flow.parameters().setLearning(learning);
            float[] lq = flow.logProb(array(step, x)).toFloatArray();
            float[] s = flow.sample(step, 50, new Random(3)).logQ().toFloatArray();
            return new float[][] {lq, s};
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void keptArraysFollowTheParameters(String name) {
        Matrix data = FlowFixtures.eightGaussians(200, new Random(31));
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = FlowFixtures.create(name, 42, data, root);
            Matrix x = data.head(50);
            float[][] before = logProbAndSample(flow, root, x, false);
            float[][] beforeAgain = logProbAndSample(flow, root, x, false); // from the kept arrays
            assertArrayEquals(before[0], beforeAgain[0]);
            assertArrayEquals(before[1], beforeAgain[1]);
            FlowFixtures.perturb(flow, 0.05, new Random(7)); // a restore, as a checkpoint or an average does
            float[][] frozen = logProbAndSample(flow, root, x, false);
            float[][] learning = logProbAndSample(flow, root, x, true);
            assertFalse(Arrays.equals(before[0], frozen[0]), name + ": log q kept from before the change");
            // the same operations on the same values, once kept and once fresh: equal to the last bit
            assertArrayEquals(learning[0], frozen[0], name + ": log q of the data");
            assertArrayEquals(learning[1], frozen[1], name + ": log q of the samples");
        }
    }
}
