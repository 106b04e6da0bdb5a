package dev.ncelab.plugins.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The objectives on hand-made numbers, against a direct float64 computation. */
class ObjectiveTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    static NDArray a(float... v) {
        return manager.create(v);
    }

    /** The objective's input: data points first, then noise points. */
    static NDArray both(float[] data, float[] noise) {
        float[] v = java.util.Arrays.copyOf(data, data.length + noise.length);
        System.arraycopy(noise, 0, v, data.length, noise.length);
        return manager.create(v);
    }

    @Test
    void nceWithNuOneIsTheReferenceValueFunction() {
        float[] lpD = {-1.0f, -2.5f, 0.3f, -40f};
        float[] lqD = {-2.0f, -2.0f, -1.0f, -3f};
        float[] lpN = {-3.0f, -1.0f, -0.5f, 25f};
        float[] lqN = {-2.0f, -1.0f, -2.5f, -1f};
        NDArray[] t = new NceObjective(null, null, 1, manager).evaluate(both(lpD, lpN), both(lqD, lqN), 4);
        double v = 0;
        int correct = 0;
        for (int i = 0; i < 4; i++) {
            v += logSigmoid(lpD[i] - lqD[i]) / 4 + logSigmoid(lqN[i] - lpN[i]) / 4;
            correct += (lpD[i] >= lqD[i] ? 1 : 0) + (lpN[i] < lqN[i] ? 1 : 0);
        }
        assertEquals(-v, t[0].getFloat(), 1e-5);
        assertEquals(correct / 8.0, t[1].getFloat(), 1e-6);
        // by hand: data d = 1, -0.5, 1.3, -37 (2 right); noise d = -1, 0 (a tie counts as data), 2, 26 (1 right)
        assertEquals(3.0 / 8, t[1].getFloat(), 1e-6);
    }

    @Test
    void nceWithNuFourShiftsTheLogOddsAndWeighsTheNoiseTerm() {
        float[] lpD = {-1.0f, -2.0f};
        float[] lqD = {-2.0f, -1.5f};
        float[] lpN = {-3, -1, -2, -4, -0.5f, -1, -2, -3};
        float[] lqN = {-2, -1, -2.5f, -3, -1, -2, -2, -2};
        NDArray[] t = new NceObjective(null, null, 4, manager).evaluate(both(lpD, lpN), both(lqD, lqN), 2);
        double ln4 = Math.log(4);
        double data = 0;
        double noise = 0;
        double accD = 0;
        double accN = 0;
        for (int i = 0; i < 2; i++) {
            double d = lpD[i] - lqD[i] - ln4;
            data += logSigmoid(d) / 2;
            accD += d >= 0 ? 0.5 : 0;
        }
        for (int j = 0; j < 8; j++) {
            double d = lpN[j] - lqN[j] - ln4;
            noise += logSigmoid(-d) / 2;
            accN += d < 0 ? 1.0 / 8 : 0;
        }
        assertEquals(-(data + noise), t[0].getFloat(), 1e-5);
        assertEquals(0.5 * accD + 0.5 * accN, t[1].getFloat(), 1e-6);
    }

    @Test
    void rankingNceIsTheSoftmaxOfTheDataPoint() {
        float[] lpD = {0.5f, -1f};
        float[] lqD = {-1f, -1f};
        float[] lpN = {-1, 0, -2, 3, 1, -1};
        float[] lqN = {-1, -1, -1, -1, -1, -1};
        NDArray[] t = new RankingNceObjective(null, null, 4, manager).evaluate(both(lpD, lpN), both(lqD, lqN), 2);
        double v = 0;
        int wins = 0;
        for (int i = 0; i < 2; i++) {
            double s0 = lpD[i] - lqD[i];
            double max = s0;
            double sum = 0;
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 3; j++) {
                double s = lpN[i * 3 + j] - lqN[i * 3 + j];
                max = Math.max(max, s);
                best = Math.max(best, s);
            }
            sum += Math.exp(s0 - max);
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(lpN[i * 3 + j] - lqN[i * 3 + j] - max);
            }
            v += (s0 - max - Math.log(sum)) / 2;
            wins += s0 > best ? 1 : 0;
        }
        assertEquals(-v, t[0].getFloat(), 1e-5);
        assertEquals(wins / 2.0, t[1].getFloat(), 1e-6);
    }
}
