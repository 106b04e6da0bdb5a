package dev.ncelab.examples.gmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EM recovers a known mixture: means, weights, covariances and the held-out log-likelihood. */
class GmmFitTest {
    static final Matrix TRAIN = EightGaussians.sample(20_000, 11);
    static final Matrix HELD_OUT = EightGaussians.sample(20_000, 12);

    static GmmNoise fit(String yaml, Matrix data, long seed, NDManager m) {
        GmmPlugin p = new GmmPlugin();
        return (GmmNoise) p.create((GmmConfig) Contracts.bind(p, yaml), new TestContext(seed, data, m));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "diagonal"})
    void recoversThe8GaussiansMixture(String covariance) {
        try (NDManager m = NDManager.newBaseManager()) {
            GmmNoise q = fit("covariance: " + covariance + "\n", TRAIN, 42, m);
            GaussianMixture g = q.mixture();
            assertEquals(8, g.components());
            boolean[] used = new boolean[8];
            double worstMean = 0;
            double worstWeight = 0;
            double worstVar = 0;
            for (double[] centre : EightGaussians.CENTRES) {
                int best = -1;
                double bestD = Double.POSITIVE_INFINITY;
                for (int c = 0; c < 8; c++) {
                    double[] mu = g.mean(c);
                    double dd = Math.hypot(mu[0] - centre[0], mu[1] - centre[1]);
                    if (dd < bestD) {
                        bestD = dd;
                        best = c;
                    }
                }
                assertTrue(!used[best], "two true centres share fitted component " + best);
                used[best] = true;
                worstMean = Math.max(worstMean, bestD);
                worstWeight = Math.max(worstWeight, Math.abs(g.weight(best) - 0.125));
                double[][] s = g.covariance(best);
                double var = EightGaussians.STD * EightGaussians.STD;
                worstVar = Math.max(worstVar, Math.max(Math.max(Math.abs(s[0][0] - var), Math.abs(s[1][1] - var)),
                        Math.abs(s[0][1])));
            }
            System.out.printf(Locale.ROOT, "[gmm %s] EM fit: worst mean error %.4f, worst weight error %.4f, worst "
                    + "covariance error %.4f%n", covariance, worstMean, worstWeight, worstVar);
            assertTrue(worstMean < 0.05, "a fitted mean is " + worstMean + " from its true centre");
            assertTrue(worstWeight < 0.03, "a fitted weight is " + worstWeight + " from 1/8");
            assertTrue(worstVar < 0.02, "a fitted covariance entry is " + worstVar + " from the truth");
        }
    }

    @Test
    void heldOutLogLikelihoodIsTheDataEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            GmmNoise q = fit("", TRAIN, 42, m);
            double[] logq = Evaluator.apply(m, HELD_OUT, q::logProb, q.parameters());
            double mean = 0;
            double truth = 0;
            for (int i = 0; i < logq.length; i++) {
                mean += logq[i] / logq.length;
                truth += EightGaussians.logDensity(HELD_OUT.get(i, 0), HELD_OUT.get(i, 1)) / logq.length;
            }
            System.out.printf(Locale.ROOT, "[gmm] held-out mean log-likelihood %.4f (true density on the same "
                    + "points %.4f, -H = %.3f)%n", mean, truth, -EightGaussians.ENTROPY);
            assertEquals(-EightGaussians.ENTROPY, mean, 0.05);
            assertEquals(truth, mean, 0.01, "the fitted density is further from the true one than sampling noise");
        }
    }

    @Test
    void theSameSeedGivesTheSameFitAndAnotherSeedStillFindsIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianMixture a = fit("", TRAIN, 7, m).mixture();
            GaussianMixture b = fit("", TRAIN, 7, m).mixture();
            for (int c = 0; c < 8; c++) {
                assertArrayEquals(a.mean(c), b.mean(c), 0.0);
                assertEquals(a.weight(c), b.weight(c), 0.0);
            }
            for (long seed = 100; seed < 105; seed++) {
                GaussianMixture g = fit("", TRAIN, seed, m).mixture();
                for (int c = 0; c < 8; c++) {
                    assertEquals(0.125, g.weight(c), 0.03, "seed " + seed + " component " + c);
                }
            }
        }
    }

    @Test
    void emRaisesTheLikelihoodAndSubsamplesLargeSets() {
        double[][] rows = GmmPlugin.subsample(TRAIN, 5000, new Random(1));
        assertEquals(5000, rows.length);
        GmmFit.Result one = GmmFit.fit(rows, 8, 1, false, 1e-6, 10, new Random(2));
        GmmFit.Result many = GmmFit.fit(rows, 8, 100, false, 1e-6, 10, new Random(2));
        assertTrue(many.meanLogLikelihood() >= one.meanLogLikelihood() - 1e-9);
        assertTrue(many.converged(), "EM did not converge in 100 iterations: " + many.iterations());
        assertEquals(5000, java.util.Arrays.stream(rows).map(java.util.Arrays::toString).distinct().count(),
                "the subset repeats rows");
        assertEquals(300, GmmPlugin.subsample(TRAIN.head(300), 5000, new Random(1)).length);
    }

    @Test
    void fitsCorrelatedDataInFiveDimensions() {
        Matrix data = EightGaussians.correlated(5000, 5, 3);
        GmmFit.Result r = GmmFit.fit(GmmPlugin.subsample(data, 5000, new Random(1)), 1, 100, false, 1e-6, 1,
                new Random(2));
        double[][] expected = data.covariance();
        double[][] fitted = r.mixture().covariance(0);
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                assertEquals(expected[a][b] + (a == b ? 1e-6 : 0), fitted[a][b], 1e-6 * (1 + Math.abs(expected[a][b])));
            }
        }
        assertArrayEquals(data.columnMeans(), r.mixture().mean(0), 1e-9);
    }
}
