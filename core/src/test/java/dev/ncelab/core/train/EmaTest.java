package dev.ncelab.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.objective.Player;
import dev.ncelab.core.train.listen.Ema;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The EMA is the textbook average, bit for bit, and only EBM steps that were not skipped move it. */
class EmaTest {
    private static final double DECAY = 0.995;

    private static StepEvent step(long n, String learner, String skipped) {
        return new StepEvent(n, 1, learner, Map.of(), skipped, false, false, 0);
    }

    @Test
    void averageIsTheFloatRoundedPolyakAverageWithBiasCorrection() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet p = new ParameterSet(m);
            p.add("w", new Shape(37, 3), new float[111]);
            p.add("b", new Shape(5), new float[5]);
            Ema ema = new Ema(DECAY, p);
            Random r = new Random(3);
            float[] w = new float[111];
            float[] b = new float[5];
            float[] expectW = new float[111];
            float[] expectB = new float[5];
            int updates = 0;
            for (int n = 1; n <= 60; n++) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (r.nextGaussian() * 1e3);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) r.nextGaussian();
                }
                p.restore(Map.of("w", w.clone(), "b", b.clone()));
                String learner = n % 3 == 0 ? Player.NOISE : Player.ENERGY;
                String skipped = n % 7 == 0 ? "non-finite" : null;
                ema.onStep(null, step(n, learner, skipped));
                if (learner.equals(Player.ENERGY) && skipped == null) {
                    updates++;
                    // the definition, one value at a time: a = (float) (decay a + (1 - decay) w)
                    for (int i = 0; i < w.length; i++) {
                        expectW[i] = (float) (DECAY * expectW[i] + (1 - DECAY) * w[i]);
                    }
                    for (int i = 0; i < b.length; i++) {
                        expectB[i] = (float) (DECAY * expectB[i] + (1 - DECAY) * b[i]);
                    }
                }
            }
            assertEquals(34, updates); // 40 EBM steps less the 6 skipped ones (7, 14, 28, 35, 49, 56)
            double correction = 1 - Math.pow(DECAY, updates);
            Map<String, float[]> averaged = ema.averaged();
            assertArrayEquals(corrected(expectW, correction), averaged.get("w"));
            assertArrayEquals(corrected(expectB, correction), averaged.get("b"));
        }
    }

    private static float[] corrected(float[] a, double correction) {
        float[] c = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = (float) (a[i] / correction);
        }
        return c;
    }
}
