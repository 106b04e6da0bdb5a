package dev.ncelab.examples.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Box;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.NoiseSample;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.plugin.PluginRegistry;
import dev.ncelab.core.plugin.Plugins;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The noise model: sampling and density agree, the density is normalised, the core contract, config errors. */
class GmmNoiseTest {
    static final Matrix EIGHT = EightGaussians.sample(5000, 21);

    @ParameterizedTest
    @ValueSource(strings = {"full", "diagonal"})
    void logQFromSamplingEqualsLogProb(String covariance) {
        try (NDManager m = NDManager.newBaseManager(); NDManager step = m.newSubManager()) {
            GmmNoise q = GmmFitTest.fit("covariance: " + covariance + "\n", EIGHT, 1, m);
            NoiseSample s = q.sample(step, 20_000, new Random(9));
            float[] fromSample = s.logQ().toFloatArray();
            float[] fromDensity = q.logProb(s.x()).toFloatArray();
            double worst = 0;
            for (int i = 0; i < fromSample.length; i++) {
                worst = Math.max(worst, Math.abs(fromSample[i] - fromDensity[i]));
            }
            System.out.printf(Locale.ROOT, "[gmm %s] max |logQ(sample) - logProb| = %.2e%n", covariance, worst);
            assertTrue(worst < 1e-4, "log q from sampling differs from logProb by " + worst);
        }
    }

    @Test
    void logProbEqualsTheFloat64DensityFarFromTheData() {
        try (NDManager m = NDManager.newBaseManager(); NDManager step = m.newSubManager()) {
            GmmNoise q = GmmFitTest.fit("", EIGHT, 1, m);
            float[] pts = {0, 0, 8, -8, -3, 0.5f, 2, 2, 40, 40};
            float[] lp = q.logProb(step.create(pts, new ai.djl.ndarray.types.Shape(5, 2))).toFloatArray();
            for (int i = 0; i < 5; i++) {
                double exact = q.mixture().logDensity(new double[] {pts[2 * i], pts[2 * i + 1]});
                assertTrue(Float.isFinite(lp[i]), "non-finite log q at point " + i);
                assertEquals(exact, lp[i], 1e-5 * Math.max(1, Math.abs(exact)), "point " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "diagonal"})
    void densityIntegratesToOne(String covariance) {
        Matrix skewed = EightGaussians.correlated(5000, 2, 4); // correlated, so full and diagonal differ
        for (Matrix data : List.of(EIGHT, skewed)) {
            try (NDManager m = NDManager.newBaseManager()) {
                GmmNoise q = GmmFitTest.fit("covariance: " + covariance + "\n", data, 1, m);
                Evaluator.Grid grid = new Evaluator.Grid(new Box(-15, 20, -15, 20), 700);
                double integral = Math.exp(grid.logIntegral(Evaluator.apply(m, grid.points(), q::logProb)));
                System.out.printf(Locale.ROOT, "[gmm %s] integral on the grid %.5f%n", covariance, integral);
                assertEquals(1.0, integral, 0.01);
            }
        }
    }

    @ParameterizedTest(name = "{0} covariance in {1}-D")
    @CsvSource({"full, 1", "full, 2", "full, 5", "diagonal, 1", "diagonal, 2", "diagonal, 5"})
    void meetsTheCoreNoiseContract(String covariance, int dim) {
        GmmPlugin p = new GmmPlugin();
        Matrix data = dim == 2 ? EIGHT : EightGaussians.correlated(5000, dim, 5);
        Contracts.noise("gmm", p, Contracts.bind(p, "covariance: " + covariance + "\n"), data, 0.01);
    }

    @Test
    void isRegisteredByItsModuleOnTheClassPath() {
        PluginRegistry r = Plugins.registry(List.of(new GmmModule()));
        assertTrue(r.find(PluginKind.NOISE, "gmm") instanceof GmmPlugin);
        PluginRegistry all = Plugins.registry(getClass().getClassLoader());
        assertTrue(all.find(PluginKind.NOISE, "gmm") instanceof GmmPlugin, "META-INF/services does not list it");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "components: 0|components", "iterations: 0|iterations", "covariance: spherical|full",
            "regularization: -1|regularization", "max_fit_rows: 0|max_fit_rows", "compnents: 3|compnents"})
    void badValuesNameTheirKey(String yaml, String named) {
        ConfigException e = assertThrows(ConfigException.class, () -> Contracts.bind(new GmmPlugin(), yaml + "\n"));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void moreComponentsThanRowsAndASingularFitAreConfigErrors() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConfigException few = assertThrows(ConfigException.class,
                    () -> GmmFitTest.fit("components: 8\n", EIGHT.head(5), 1, m));
            assertTrue(few.getMessage().contains("noise.components"), few.getMessage());
            Matrix same = new Matrix(new float[40], 20, 2);
            ConfigException singular = assertThrows(ConfigException.class,
                    () -> GmmFitTest.fit("components: 2\nregularization: 0\n", same, 1, m));
            assertTrue(singular.getMessage().contains("noise.regularization"), singular.getMessage());
            // the default regularization copes with the same degenerate data
            GmmNoise q = GmmFitTest.fit("components: 2\n", same, 1, m);
            assertTrue(Double.isFinite(q.mixture().logDensity(new double[] {0, 0})));
        }
    }
}
