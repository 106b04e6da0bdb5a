package dev.ncelab.plugins.flows;

import static dev.ncelab.plugins.flows.FlowFixtures.array;
import static dev.ncelab.plugins.flows.FlowFixtures.eightGaussians;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.InvalidValueException;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.testing.TestContext;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code noise.defensive}: a flow mixed with a fixed Gaussian, q = (1 - w) flow + w N(0, s^2 I). */
class DefensiveTest {
    private static final Matrix DATA = eightGaussians(5000, new Random(1));

    static NoiseModel create(String name, double weight, NDManager root) {
        TestContext ctx = new TestContext(42, DATA, root);
        return name.equals("maf")
                ? new MafPlugin().create(new MafConfig(5, 100, 1, 0, 5.0, weight, 2.0), ctx)
                : new GlowPlugin().create(new GlowConfig(64, 5, 1, 0, weight, 2.0), ctx);
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void theMixtureIsTheWeightedSumOfTheTwoDensities(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = create(name, 0, root);
            assertTrue(flow instanceof Flow, "weight 0 is the flow itself, numbers unchanged");
            NoiseModel mixed = create(name, 0.3, root);
            assertTrue(mixed instanceof Defensive);
            FlowFixtures.perturb(flow, 0.01, new Random(4));
            mixed.parameters().restore(flow.parameters().snapshot());
            try (NDManager step = root.newSubManager()) {
                flow.parameters().attach(step);
                mixed.parameters().attach(step);
                Matrix x = DATA.head(500);
                float[] f = flow.logProb(array(step, x)).toFloatArray();
                float[] m = mixed.logProb(array(step, x)).toFloatArray();
                double worst = 0;
                for (int i = 0; i < f.length; i++) {
                    double x0 = x.data()[2 * i];
                    double x1 = x.data()[2 * i + 1];
                    double gauss = Math.exp(-(x0 * x0 + x1 * x1) / 8) / (8 * Math.PI); // N(0, 4I) in 2-D
                    double expected = Math.log(0.7 * Math.exp(f[i]) + 0.3 * gauss);
                    worst = Math.max(worst, Math.abs(m[i] - expected));
                }
                // float32 log-densities of order 1-10: 1e-5 relative rounding; a wrong weight errs by >= 0.01
                assertTrue(worst < 1e-4, "mixture log q differs from log((1-w) q_flow + w N) by " + worst);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void samplesHaveTheGaussianShareAndTheMixturesLogQ(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel mixed = create(name, 0.25, root);
            FlowFixtures.perturb(mixed, 0.01, new Random(4));
            try (NDManager step = root.newSubManager()) {
                mixed.parameters().attach(step);
                NoiseSample s = mixed.sample(step, 1000, new Random(5));
                assertEquals(1000, s.x().getShape().get(0));
                double diff = s.logQ().sub(mixed.logProb(s.x())).abs().max().getFloat();
                assertTrue(diff < 1e-4, "sample log q differs from logProb by " + diff); // float32, as the flows'
                // the last 250 rows are the Gaussian's, drawn from the same seeded stream: N(0, 4I) by their spread
                float[] g = s.x().get("750:, :").toFloatArray();
                double ss = 0;
                for (float v : g) {
                    ss += v * v;
                }
                double var = ss / g.length;
                // 500 squared N(0, 4) draws: the variance estimate's standard error is 4 sqrt(2/500) = 0.25
                assertEquals(4.0, var, 1.0);
                NoiseSample again = mixed.sample(step, 1000, new Random(5));
                assertEquals(0f, s.x().sub(again.x()).abs().max().getFloat(), "same seed, same points");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void integratesToOneAndLearnsThroughBothTerms(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel mixed = create(name, 0.5, root);
            FlowFixtures.perturb(mixed, 0.01, new Random(13));
            FlowFixtures.Quadrature q = FlowFixtures.integrate(mixed, root);
            assertEquals(0, q.nonFinite());
            // the flows alone integrate to 0.999-1.000 on this grid; N(0, 4I) has 0.99987 of its mass in [-8,8]^2
            assertEquals(1.0, q.mass(), 0.01);
            // every flow parameter learns through the mixture: the data's log q, and the samples' log q (the flow's
            // points reparameterised, the Gaussian's through the flow's density at them)
            Map<String, Double> viaLogProb = FlowFixtures.gradients(mixed, root,
                    step -> mixed.logProb(array(step, DATA.head(200))).mean());
            Map<String, Double> viaSamples = FlowFixtures.gradients(mixed, root,
                    step -> mixed.sample(step, 200, new Random(6)).logQ().mean());
            for (String p : mixed.parameters().names()) {
                assertTrue(viaLogProb.get(p) > 0, p + " gets no gradient through logProb");
                assertTrue(viaSamples.get(p) > 0, p + " gets no gradient through the samples' log q");
                assertTrue(Double.isFinite(viaLogProb.get(p)) && Double.isFinite(viaSamples.get(p)), p);
            }
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRefusedWithItsKey() {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> new MafConfig(5, 100, 1, 0, 5.0, 1.0, 2.0));
        assertEquals("defensive", e.component()); // the loader adds the file, line and full key (noise.defensive)
        assertThrows(InvalidValueException.class, () -> new GlowConfig(64, 5, 1, 0, 0.5, 0));
    }
}
