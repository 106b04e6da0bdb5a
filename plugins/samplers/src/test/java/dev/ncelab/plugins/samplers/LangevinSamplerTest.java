package dev.ncelab.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ncelab.core.config.ConfigBinder;
import dev.ncelab.core.config.ConfigDocument;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.sample.Sampler;
import dev.ncelab.core.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LangevinSamplerTest {
    /** log p(x) = -sum_j (x_j - mu_j)^2 / (2 sigma_j^2) - c, with mu a learnable parameter (to watch its gradient). */
    static final class GaussianEnergy implements EnergyModel {
        final ParameterSet params;
        final float[] sigma;

        GaussianEnergy(NDManager m, float[] mu, float[] sigma) {
            this.params = new ParameterSet(m);
            params.add("mu", new Shape(mu.length), mu);
            params.setLearning(true);
            this.sigma = sigma;
        }

        @Override
        public ParameterSet parameters() {
            return params;
        }

        @Override
        public NDArray logDensity(NDArray x) {
            NDManager m = x.getManager();
            NDArray z = x.sub(params.get("mu")).div(m.create(sigma));
            return z.square().sum(new int[] {1}).mul(m.create(-0.5f)).sub(m.create(0.3f));
        }

        @Override
        public double logZ() {
            return 0.3;
        }

        @Override
        public boolean learnsLogZ() {
            return true;
        }
    }

    static LangevinConfig config(String yaml) {
        ConfigDocument doc = ConfigDocument.parse(yaml.isEmpty() ? "{}" : yaml, "test.yaml");
        ConfigBinder binder = new ConfigBinder(doc);
        LangevinConfig c = binder.bind(LangevinConfig.class, doc.root(), "sampler", Set.of("type"));
        binder.throwIfErrors();
        return c;
    }

    static Sampler sampler(String yaml, int d, NDManager m) {
        return new LangevinPlugin().create(config(yaml), new TestContext(1, null, d, m));
    }

    @Test
    void meanAndVarianceOfAGaussianMatchTheDiscretisedDynamics() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] mu = {1.0f, -0.5f};
            float[] sigma = {0.5f, 1.0f};
            GaussianEnergy energy = new GaussianEnergy(m, mu, sigma);
            double eps = 0.05;
            Sampler s = sampler("{step_size: " + eps + ", steps: 400, init: uniform}", 2, m);
            int n = 2000;
            float[] x = s.sample(m, energy, n, new Random(11)).toFloatArray();
            for (int j = 0; j < 2; j++) {
                // theory: unadjusted Langevin on N(mu, s^2) is an AR(1) x' = (1 - a) x + sqrt(eps) xi, a =
                // eps / (2 s^2), whose stationary variance is s^2 / (1 - a / 2); 400 steps are >= 10 e-folds
                // (1/a = 40 steps for the wider coordinate) from the uniform start on [-4, 4]
                double a = eps / (2 * sigma[j] * sigma[j]);
                double var = sigma[j] * sigma[j] / (1 - a / 2);
                double mean = 0;
                double ss = 0;
                for (int i = 0; i < n; i++) {
                    mean += x[i * 2 + j];
                }
                mean /= n;
                for (int i = 0; i < n; i++) {
                    ss += Math.pow(x[i * 2 + j] - mean, 2);
                }
                double sample = ss / (n - 1);
                // 4 standard errors: sd/sqrt(n) for the mean, var sqrt(2/(n-1)) for a normal sample's variance
                assertEquals(mu[j], mean, 4 * Math.sqrt(var / n), "mean of coordinate " + j);
                assertEquals(var, sample, 4 * var * Math.sqrt(2.0 / (n - 1)), "variance of coordinate " + j);
            }
            // the parameter recorded no gradient while the sampler took input gradients
            NDArray grad = energy.params.get("mu").getGradient();
            assertEquals(0f, grad.abs().sum().getFloat(), "parameter gradient after sampling");
        }
    }

    @Test
    void fixedCoordinatesStayBitIdenticalAndFreeOnesMove() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianEnergy energy = new GaussianEnergy(m, new float[] {0, 0, 0}, new float[] {1, 1, 1});
            Sampler s = sampler("{step_size: 0.1, steps: 50}", 3, m);
            float[] start = {0.123456f, 7.7f, -3.3f, 1e-7f, 2.5f, 9.99f};
            float[] free = {0, 1, 0, 0, 1, 1};
            float[] out = s.sampleFrom(m, energy, m.create(start, new Shape(2, 3)), m.create(free, new Shape(2, 3)),
                    new Random(3)).toFloatArray();
            for (int k = 0; k < start.length; k++) {
                if (free[k] == 0) {
                    assertEquals(Float.floatToIntBits(start[k]), Float.floatToIntBits(out[k]), "fixed cell " + k);
                } else {
                    assertTrue(Math.abs(out[k] - start[k]) > 1e-3, "free cell " + k + " moved");
                }
            }
            // the free cells are drawn towards the mode 0 from starts up to 9.99 (50 steps of 0.1: e^-2.5 of the way)
            assertTrue(Math.abs(out[5]) < 5, "pulled towards the mode: " + out[5]);
        }
    }

    @Test
    void aSeedRepeatsADrawAndAnotherSeedDoesNot() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianEnergy energy = new GaussianEnergy(m, new float[] {0, 0}, new float[] {1, 1});
            Sampler a = sampler("{steps: 20, init: uniform}", 2, m);
            Sampler b = sampler("{steps: 20, init: uniform}", 2, m);
            float[] x1 = a.sample(m, energy, 50, new Random(9)).toFloatArray();
            float[] x2 = b.sample(m, energy, 50, new Random(9)).toFloatArray();
            float[] x3 = b.sample(m, energy, 50, new Random(10)).toFloatArray();
            assertArrayEquals(x1, x2);
            assertFalse(java.util.Arrays.equals(x1, x3));
        }
    }

    @Test
    void theCallersManagerHoldsOnlyTheResult() {
        // the parameters' manager and the caller's are separate base managers, so each count is its own
        try (NDManager base = NDManager.newBaseManager(); NDManager caller = NDManager.newBaseManager()) {
            GaussianEnergy energy = new GaussianEnergy(base, new float[] {0, 0}, new float[] {1, 1});
            Sampler s = sampler("{steps: 5, init: uniform}", 2, base);
            int before = ((BaseNDManager) caller).getManagedArrays().size();
            int baseBefore = ((BaseNDManager) base).getManagedArrays().size();
            NDArray out = s.sample(caller, energy, 10, new Random(1));
            List<NDArray> after = ((BaseNDManager) caller).getManagedArrays();
            assertEquals(before + 1, after.size(), "arrays in the caller's manager: " + after);
            assertTrue(after.contains(out));
            assertEquals(baseBefore, ((BaseNDManager) base).getManagedArrays().size(),
                    "arrays in the parameters' manager");
        }
    }

    @Test
    void theReplayBufferPersistsThroughSaveAndLoad() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianEnergy energy = new GaussianEnergy(m, new float[] {2, 2}, new float[] {0.3f, 0.3f});
            String yaml = "{steps: 30, step_size: 0.02, init: buffer, buffer_size: 64, reinit_probability: 0}";
            Sampler a = sampler(yaml, 2, m);
            for (int i = 0; i < 10; i++) {
                a.sample(m, energy, 64, new Random(i));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.save(new DataOutputStream(bytes));
            Sampler b = sampler(yaml, 2, m);
            b.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            float[] xa = a.sample(m, energy, 16, new Random(99)).toFloatArray();
            float[] xb = b.sample(m, energy, 16, new Random(99)).toFloatArray();
            assertArrayEquals(xa, xb, "the same chains continue after a load");
            // persistent chains have converged to N(2, 0.09) after 300 steps of 0.02 (a = 0.11 per step): a fresh
            // sampler's 30 steps from the uniform box leave them e^-3.3 of the way, far from the mode on average
            double meanA = 0;
            for (float v : xa) {
                meanA += v / xa.length;
            }
            assertEquals(2, meanA, 0.2, "persistent chains near the mode");
            Sampler wrong = sampler("{init: buffer, buffer_size: 10}", 2, m);
            assertThrows(java.io.IOException.class,
                    () -> wrong.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        }
    }

    @Test
    void registeredAsASamplerPluginAndConfigChecksNameTheirKey() {
        var registry = Plugins.registry(List.of(new SamplersModule()));
        assertNotNull(registry.find(PluginKind.SAMPLER, "langevin"));
        assertTrue(registry.find(PluginKind.SAMPLER, "langevin") instanceof LangevinPlugin);
        ConfigException e = assertThrows(ConfigException.class, () -> config("{step_size: 0}"));
        assertTrue(e.getMessage().contains("step_size"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> config("{box: [1, -1]}"));
        assertTrue(e.getMessage().contains("box"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> config("{init: replay}"));
        assertTrue(e.getMessage().contains("init"), e.getMessage());
    }
}
