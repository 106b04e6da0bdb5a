package dev.ncelab.plugins.flows;

import static dev.ncelab.plugins.flows.FlowFixtures.array;
import static dev.ncelab.plugins.flows.FlowFixtures.create;
import static dev.ncelab.plugins.flows.FlowFixtures.eightGaussians;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.testing.TestContext;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract every flow meets: counts, inversion, consistent log q, normalisation, gradients, seeds. */
class FlowContractTest {
    private static final Matrix DATA = eightGaussians(5000, new Random(1));

    @Test
    void mafHasTheReferenceParameterCount() {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel maf = create("maf", 42, DATA, root);
            assertEquals(54_020, maf.parameters().count());
            assertEquals(5 * 6, maf.parameters().names().size());
            assertTrue(maf.trainable());
            assertEquals(2, maf.dimension());
        }
    }

    @Test
    void glowHasTheReferenceParameterCount() {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel glow = create("glow", 42, DATA, root);
            assertEquals(46_840, glow.parameters().count());
            assertEquals(10 * 4_684, glow.parameters().count());
            // levels chain: 2 levels of 5 plus 5 extra steps = 15 steps
            NoiseModel two = new GlowPlugin().create(new GlowConfig(64, 5, 2, 0, 0, 2.0),
                    new TestContext(42, DATA, root));
            assertEquals(15 * 4_684, two.parameters().count());
        }
    }

    @Test
    void glowStartsWhereUpstreamDoes() {
        try (NDManager root = NDManager.newBaseManager()) {
            Glow glow = (Glow) create("glow", 42, DATA, root);
            Map<String, float[]> p = glow.parameters().snapshot();
            // the first ActNorm is the data's mean and biased std (+1e-6) of its seeded init sample
            Matrix init = GlowPlugin.initData(new TestContext(42, DATA, root));
            double[] mean = init.columnMeans();
            double[][] cov = init.covariance();
            // ActNorm's data-dependent init is the batch's mean and sd, computed in float32: 1e-4 is rounding
            assertEquals(mean[0], p.get("level1.step1.actnorm.bias")[0], 1e-4);
            assertEquals(Math.sqrt(cov[1][1]) + 1e-6, p.get("level1.step1.actnorm.scale")[1], 1e-4);
            // the linear map starts orthogonal: log|det W| = sum of the packed diagonal = 0
            float[] lu = p.get("level1.step1.linear.lu");
            assertEquals(0, lu[0] + lu[3], 1e-6); // an orthogonal start: log|det| 0 up to float32 rounding
            // every ActNorm inside a conditioner was initialised from the activations of the data batch
            p.forEach((k, v) -> {
                if (k.contains(".coupling.actnorm") && k.endsWith(".scale")) {
                    assertTrue(v[0] != 1f && v[7] != 1f, k + " was not initialised");
                }
            });
            // the last conditioner layer starts at zero, so every coupling has t = 0 and log s = log sigmoid(2):
            // the flow is affine at init, with log|det| = sum(-sum log|actnorm s|) + sum log|det W| + 10 log sigmoid(2)
            double expected = 10 * Math.log(1 / (1 + Math.exp(-2)));
            for (Map.Entry<String, float[]> e : p.entrySet()) {
                if (e.getKey().endsWith(".actnorm.scale") && !e.getKey().contains("coupling")) {
                    for (float v : e.getValue()) {
                        expected -= Math.log(Math.abs(v));
                    }
                } else if (e.getKey().endsWith(".linear.lu")) {
                    expected += e.getValue()[0] + e.getValue()[3];
                }
            }
            try (NDManager step = root.newSubManager()) {
                glow.parameters().attach(step);
                NDArray x = array(step, DATA.head(100));
                for (float v : glow.toBase(x).logDet().toFloatArray()) {
                    assertEquals(expected, v, 1e-4); // float32 sums of ~20 log terms of size ~1
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void invertsBothWays(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            Flow flow = (Flow) create(name, 42, DATA, root);
            FlowFixtures.perturb(flow, 0.01, new Random(3)); // away from the symmetric init
            try (NDManager step = root.newSubManager()) {
                flow.parameters().attach(step);
                NDArray x = array(step, DATA.head(2000));
                Transformed fw = flow.toBase(x);
                Transformed bw = flow.fromBase(fw.y());
                double err = bw.y().sub(x).abs().max().getFloat();
                double ldErr = fw.logDet().add(bw.logDet()).abs().max().getFloat();
                System.out.printf("[%s] x->z->x max error %.2e, log-det mismatch %.2e%n", name, err, ldErr);
                // measured 1.2e-6 (MAF) and 2.4e-6 (Glow) round trip, log-dets 6e-7 and 4e-7: float32 rounding;
                // 1e-4 is 40 times that, while a wrong inverse errs by O(1)
                assertTrue(err < 1e-4, "x -> z -> x error " + err);
                assertTrue(ldErr < 1e-4, "log-dets of the two directions do not cancel: " + ldErr);

                NDArray z = step.randomNormal(new Shape(2000, 2));
                Transformed back = flow.fromBase(z);
                double zErr = flow.toBase(back.y()).y().sub(z).abs().max().getFloat();
                assertTrue(zErr < 1e-4, "z -> x -> z error " + zErr); // as above: float32 rounding is ~1e-6
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void logDetMatchesTheAutogradJacobian(String name) {
        for (int d : new int[] {2, 12}) {
            Matrix data = d == 2 ? DATA : FlowFixtures.gaussianData(2000, d, new Random(16));
            try (NDManager root = NDManager.newBaseManager()) {
                TestContext ctx = new TestContext(42, data, root);
                Flow flow = (Flow) (name.equals("maf") ? new MafPlugin().create(FlowFixtures.MAF, ctx)
                        : new GlowPlugin().create(FlowFixtures.GLOW, ctx));
                FlowFixtures.perturb(flow, 0.01, new Random(14));
                // move Glow's invertible maps away from orthogonal, where log|det W| = 0 would hide errors (less so
                // in 12-D, where ten such random maps in a row make the float32 Jacobian itself inaccurate)
                double luNoise = d == 2 ? 0.3 : 0.05;
                Map<String, float[]> p = flow.parameters().snapshot();
                Random r = new Random(15);
                p.forEach((k, v) -> {
                    if (k.endsWith(".linear.lu")) {
                        for (int i = 0; i < v.length; i++) {
                            v[i] += (float) (luNoise * r.nextGaussian());
                        }
                    }
                });
                flow.parameters().restore(p);
                double worst = FlowFixtures.worstLogDetError(flow, root, data.head(50));
                System.out.printf("[%s] D=%d log|det| vs autograd Jacobian: max difference %.2e%n", name, d, worst);
                // measured 2e-7 to 1e-6 (autograd's Jacobian in float32, then its log-det in Java); 1e-3 is far above
                // rounding and far below a missing term (a log-scale or a sigmoid: O(1))
                assertTrue(worst < 1e-3, "D=" + d + ": log-det differs from the Jacobian's by " + worst);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void sampleLogQMatchesLogProb(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = create(name, 42, DATA, root);
            FlowFixtures.perturb(flow, 0.01, new Random(4));
            try (NDManager step = root.newSubManager()) {
                flow.parameters().attach(step);
                NoiseSample s = flow.sample(step, 3000, new Random(5));
                assertEquals(new Shape(3000, 2), s.x().getShape());
                assertEquals(new Shape(3000), s.logQ().getShape());
                double diff = s.logQ().sub(flow.logProb(s.x())).abs().max().getFloat();
                System.out.printf("[%s] |log q(sample) - logProb(sample)| max %.2e%n", name, diff);
                assertTrue(diff < 1e-4, "sample log q differs from logProb by " + diff); // measured 4e-6, 7e-6
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void densityIntegratesToOne(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = create(name, 42, DATA, root);
            FlowFixtures.Quadrature q = FlowFixtures.integrate(flow, root);
            System.out.printf("[%s] untrained: integral over [-8,8]^2 = %.5f%n", name, q.mass());
            assertEquals(0, q.nonFinite(), "non-finite log q on the grid");
            assertEquals(1.0, q.mass(), 0.01); // measured 0.99997 (MAF), 0.99936 (Glow): grid and tails
            // away from the start too (every log-det term then matters, e.g. log|det W| is 0 at Glow's start)
            FlowFixtures.perturb(flow, 0.01, new Random(13));
            q = FlowFixtures.integrate(flow, root);
            System.out.printf("[%s] perturbed: integral over [-8,8]^2 = %.5f%n", name, q.mass());
            assertEquals(0, q.nonFinite(), "non-finite log q on the grid");
            assertEquals(1.0, q.mass(), 0.01); // measured 0.99995 (MAF), 0.99911 (Glow)
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void worksInTwelveDimensions(String name) {
        int d = 12;
        Matrix data = FlowFixtures.gaussianData(2000, d, new Random(6));
        try (NDManager root = NDManager.newBaseManager()) {
            TestContext ctx = new TestContext(42, data, root);
            Flow flow = (Flow) (name.equals("maf") ? new MafPlugin().create(FlowFixtures.MAF, ctx)
                    : new GlowPlugin().create(FlowFixtures.GLOW, ctx));
            assertEquals(d, flow.dimension());
            FlowFixtures.perturb(flow, 0.01, new Random(7));
            try (NDManager step = root.newSubManager()) {
                flow.parameters().attach(step);
                NDArray x = array(step, data.head(500));
                NDArray lq = flow.logProb(x);
                assertEquals(new Shape(500), lq.getShape());
                assertTrue(lq.isInfinite().logicalOr(lq.isNaN()).none().getBoolean(), "non-finite log q");
                Transformed fw = flow.toBase(x);
                double err = flow.fromBase(fw.y()).y().sub(x).abs().max().getFloat();
                double scale = x.abs().max().getFloat();
                System.out.printf("[%s] D=12 x->z->x max error %.2e (max |x| %.1f)%n", name, err, scale);
                // measured 1.9e-6 (MAF), 3.8e-6 (Glow) with |x| up to 9.5: float32 rounding relative to the scale
                assertTrue(err < 1e-4 * Math.max(1, scale), "D=12 inversion error " + err);

                NoiseSample s = flow.sample(step, 500, new Random(8));
                assertEquals(new Shape(500, d), s.x().getShape());
                assertTrue(s.logQ().isInfinite().logicalOr(s.logQ().isNaN()).none().getBoolean());
                double diff = s.logQ().sub(flow.logProb(s.x())).abs().max().getFloat();
                // 12 coordinates' float32 log terms: rounding ~1e-5; 1e-3 leaves a margin, a missing term is O(1)
                assertTrue(diff < 1e-3, "D=12 sample log q differs from logProb by " + diff);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void gradientsReachEveryParameter(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = create(name, 42, DATA, root);
            // Glow's last conditioner layer is zero at init, which blocks gradients to the layers before it
            FlowFixtures.perturb(flow, 0.01, new Random(9));
            Map<String, Double> viaLogProb = FlowFixtures.gradients(flow, root,
                    step -> flow.logProb(array(step, DATA.head(500))).mean());
            Map<String, Double> viaSamples = FlowFixtures.gradients(flow, root,
                    step -> flow.sample(step, 500, new Random(10)).x().square().mean());
            Map<String, Double> viaSampleLogQ = FlowFixtures.gradients(flow, root,
                    step -> flow.sample(step, 500, new Random(10)).logQ().mean());
            for (String p : flow.parameters().names()) {
                assertTrue(viaLogProb.get(p) > 0, p + " gets no gradient through logProb");
                assertTrue(viaSamples.get(p) > 0, p + " gets no gradient through the sampled points");
                assertTrue(viaSampleLogQ.get(p) > 0, p + " gets no gradient through the samples' log q");
                assertFalse(viaLogProb.get(p).isNaN() || viaSamples.get(p).isNaN());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void sameSeedSameFlowAndSamples(String name) {
        try (NDManager a = NDManager.newBaseManager(); NDManager b = NDManager.newBaseManager()) {
            NoiseModel fa = create(name, 42, DATA, a);
            NoiseModel fb = create(name, 42, DATA, b);
            NoiseModel fc = create(name, 43, DATA, b);
            Map<String, float[]> pa = fa.parameters().snapshot();
            Map<String, float[]> pb = fb.parameters().snapshot();
            Map<String, float[]> pc = fc.parameters().snapshot();
            assertEquals(pa.keySet(), pb.keySet());
            pa.forEach((k, v) -> assertArrayEquals(v, pb.get(k), k));
            assertTrue(pa.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(pa.get(k), pc.get(k))),
                    "another seed gave the same parameters");
            try (NDManager sa = a.newSubManager(); NDManager sb = b.newSubManager()) {
                fa.parameters().attach(sa);
                fb.parameters().attach(sb);
                NoiseSample xa = fa.sample(sa, 200, new Random(11));
                NoiseSample xb = fb.sample(sb, 200, new Random(11));
                assertArrayEquals(xa.x().toFloatArray(), xb.x().toFloatArray());
                assertArrayEquals(xa.logQ().toFloatArray(), xb.logQ().toFloatArray());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maf", "glow"})
    void aStepLeavesNothingInTheLongLivedManager(String name) {
        try (NDManager root = NDManager.newBaseManager()) {
            NoiseModel flow = create(name, 42, DATA, root);
            int before = root.getManagedArrays().size();
            FlowFixtures.gradients(flow, root, step -> {
                NoiseSample s = flow.sample(step, 100, new Random(12));
                return s.logQ().mean().sub(flow.logProb(array(step, DATA.head(100))).mean());
            });
            assertEquals(before, root.getManagedArrays().size(), "arrays leaked into the long-lived manager");
        }
    }
}
