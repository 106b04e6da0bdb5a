package dev.ncelab.plugins.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code mlp} energy: its size, its normaliser, its activations (against a forward pass in Java), its seed. */
class MlpEnergyTest {
    final NDManager manager = NDManager.newBaseManager();
    final MlpPlugin plugin = new MlpPlugin();

    @AfterEach
    void close() {
        manager.close();
    }

    EnergyModel mlp(String yaml, long seed, int dim) {
        return plugin.create((MlpConfig) Contracts.bind(plugin, yaml), new TestContext(seed, null, dim, manager));
    }

    static Matrix points(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (2 * r.nextGaussian());
        }
        return new Matrix(d, n, dim);
    }

    double[] logDensity(EnergyModel f, Matrix x) {
        return Evaluator.apply(manager, x, f::logDensity, f.parameters());
    }

    @Test
    void theModuleRegistersMlpAndGaussian() {
        var registry = Plugins.registry(Plugins.discover(getClass().getClassLoader()));
        assertEquals(Set.of("mlp"), registry.of(PluginKind.ENERGY).keySet());
        assertEquals(Set.of("gaussian"), registry.of(PluginKind.NOISE).keySet());
    }

    @Test
    void theReferenceNetworkHas17026Parameters() {
        // 2-128-128-1 with c (the reference, docs/reference-implementation.md): (2*128 + 128) + (128*128 + 128) + (128 + 1) + 1
        EnergyModel f = mlp("{}", 1, 2);
        assertEquals(17_026, f.parameters().count());
        assertEquals(Arrays.asList("w0", "b0", "w1", "b1", "w2", "b2", "c"), f.parameters().names().stream().toList());
        assertEquals(2 * 64 + 64 + 64 + 1, mlp("hidden: [64]\nself_normalized: true", 1, 2).parameters().count());
        assertTrue(f.learnsLogZ());
        assertEquals(1.0, f.logZ(), 0.0); // log_z_init's default, exactly representable
    }

    @Test
    void initialWeightsAreUniformWithinPyTorchsBound() {
        EnergyModel f = mlp("hidden: [128, 128]", 3, 2);
        Map<String, float[]> p = f.parameters().snapshot();
        // PyTorch's Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in is 2, then 128, then 128
        double[] bounds = {1 / Math.sqrt(2), 1 / Math.sqrt(128), 1 / Math.sqrt(128)};
        for (int layer = 0; layer < 3; layer++) {
            for (String k : new String[] {"w" + layer, "b" + layer}) {
                double max = 0;
                for (float v : p.get(k)) {
                    max = Math.max(max, Math.abs(v));
                }
                assertTrue(max <= bounds[layer], k + " max |w| " + max);
                // with >= 128 uniform draws the largest is above 0.9 of the bound but with probability 0.9^128 = 1e-6
                assertTrue(p.get(k).length < 128 || max > 0.9 * bounds[layer], k + " max |w| " + max);
            }
        }
    }

    @Test
    void selfNormalisedKeepsCAtZero() {
        EnergyModel learned = mlp("log_z_init: 1.5", 4, 2);
        EnergyModel fixed = mlp("self_normalized: true", 4, 2);
        assertFalse(fixed.learnsLogZ());
        assertEquals(0.0, fixed.logZ(), 0.0);
        assertFalse(fixed.parameters().names().contains("c"));
        assertEquals(learned.parameters().count() - 1, fixed.parameters().count());
        Matrix x = points(50, 2, 1);
        double[] a = logDensity(learned, x);
        double[] b = logDensity(fixed, x);
        for (int i = 0; i < a.length; i++) {
            // the same weights (c is drawn last): log p differs by c = 1.5 alone, up to float32 rounding of ~1
            assertEquals(b[i] - 1.5, a[i], 1e-5);
        }
    }

    /** The network in Java doubles, from the model's own parameters. */
    static double[] forward(Map<String, float[]> p, int[] widths, Matrix x, String activation, double slope) {
        double[] out = new double[x.rows()];
        for (int r = 0; r < x.rows(); r++) {
            double[] h = x.row(r);
            for (int l = 0; l + 1 < widths.length; l++) {
                float[] w = p.get("w" + l);
                float[] b = p.get("b" + l);
                double[] next = new double[widths[l + 1]];
                for (int o = 0; o < next.length; o++) {
                    double s = b[o];
                    for (int i = 0; i < h.length; i++) {
                        s += w[o * h.length + i] * h[i];
                    }
                    next[o] = l + 2 < widths.length ? activate(s, activation, slope) : s;
                }
                h = next;
            }
            out[r] = h[0] - (p.containsKey("c") ? p.get("c")[0] : 0);
        }
        return out;
    }

    static double activate(double s, String a, double slope) {
        return switch (a) {
            case "leaky-relu" -> s >= 0 ? s : slope * s;
            case "relu" -> Math.max(0, s);
            case "tanh" -> Math.tanh(s);
            case "softplus" -> Math.log1p(Math.exp(s));
            case "swish" -> s / (1 + Math.exp(-s));
            default -> throw new IllegalArgumentException(a);
        };
    }

    @Test
    void everyActivationComputesWhatItsNameSays() {
        Matrix x = points(100, 3, 2);
        double[] previous = null;
        for (String a : new String[] {"leaky-relu", "relu", "tanh", "softplus", "swish"}) {
            EnergyModel f = mlp("hidden: [16, 8]\nactivation: " + a + "\nnegative_slope: 0.3", 5, 3);
            double[] got = logDensity(f, x);
            double[] want = forward(f.parameters().snapshot(), new int[] {3, 16, 8, 1}, x, a, 0.3);
            for (int i = 0; i < got.length; i++) {
                // float32 sums of ~30 terms of size ~1: rounding near 1e-6; 1e-4 leaves a margin
                assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), a + " at row " + i);
            }
            assertFalse(Arrays.equals(previous, got), a + " gives the same output as the activation before it");
            previous = got;
            Contracts.energy("mlp " + a, plugin, Contracts.bind(plugin, "hidden: [16]\nactivation: " + a), x);
        }
    }

    @Test
    void theSameSeedGivesTheSameNetworkAndAnotherSeedAnother() {
        Map<String, float[]> a = mlp("{}", 11, 2).parameters().snapshot();
        Map<String, float[]> b = mlp("{}", 11, 2).parameters().snapshot();
        Map<String, float[]> c = mlp("{}", 12, 2).parameters().snapshot();
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
        assertFalse(Arrays.equals(a.get("w1"), c.get("w1")), "the seed changes the weights");
    }

    @Test
    void badKeysAreRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> Contracts.bind(plugin, "hidden: []"));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        ConfigException act = assertThrows(ConfigException.class, () -> Contracts.bind(plugin, "activation: gelu"));
        assertTrue(act.getMessage().contains("activation"), act.getMessage());
    }
}
