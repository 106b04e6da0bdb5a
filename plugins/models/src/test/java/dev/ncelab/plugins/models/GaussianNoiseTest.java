package dev.ncelab.plugins.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.eval.Evaluator;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.testing.Contracts;
import dev.ncelab.core.testing.TestContext;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code gaussian} noise: its density in closed form, its samples, and its fit to the data. */
class GaussianNoiseTest {
    /** The data behind fit: data: N(MU, SIGMA) in 2-D. */
    static final double[] MU = {1.0, -2.0};
    static final double[][] SIGMA = {{2.0, 0.6}, {0.6, 1.0}};

    final NDManager manager = NDManager.newBaseManager();
    final GaussianPlugin plugin = new GaussianPlugin();

    @AfterEach
    void close() {
        manager.close();
    }

    static Matrix gaussianData(int n, long seed) {
        Random r = new Random(seed);
        double l11 = Math.sqrt(SIGMA[0][0]);
        double l21 = SIGMA[1][0] / l11;
        double l22 = Math.sqrt(SIGMA[1][1] - l21 * l21);
        float[] d = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double z1 = r.nextGaussian();
            double z2 = r.nextGaussian();
            d[2 * i] = (float) (MU[0] + l11 * z1);
            d[2 * i + 1] = (float) (MU[1] + l21 * z1 + l22 * z2);
        }
        return new Matrix(d, n, 2);
    }

    static final Matrix DATA = gaussianData(20_000, 21);

    NoiseModel noise(String yaml) {
        return plugin.create((GaussianConfig) Contracts.bind(plugin, yaml), new TestContext(3, DATA, manager));
    }

    /** log N(x; m, C) in 2-D, in closed form. */
    static double logNormal(double[] x, double[] m, double[][] c) {
        double det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
        double a = x[0] - m[0];
        double b = x[1] - m[1];
        double q = (c[1][1] * a * a - 2 * c[0][1] * a * b + c[0][0] * b * b) / det;
        return -0.5 * q - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
    }

    void matchesClosedForm(String yaml, double[] m, double[][] c) {
        NoiseModel q = noise(yaml);
        assertFalse(q.trainable(), "a gaussian noise is fixed");
        Matrix x = DATA.head(200);
        double[] got = Evaluator.apply(manager, x, q::logProb, q.parameters());
        for (int i = 0; i < got.length; i++) {
            double want = logNormal(x.row(i), m, c);
            // float32 arithmetic on values of size ~10: relative rounding ~1e-6; 1e-4 absolute leaves a margin
            assertEquals(want, got[i], 1e-4 * Math.max(1, Math.abs(want)), yaml + " at row " + i);
        }
    }

    @Test
    void isotropicDiagonalAndFullDensitiesAreTheClosedForm() {
        matchesClosedForm("std: 2.0", new double[2], new double[][] {{4, 0}, {0, 4}});
        matchesClosedForm("mean: [0.5, -1]\nstds: [1.0, 3.0]", new double[] {0.5, -1}, new double[][] {{1, 0},
            {0, 9}});
        matchesClosedForm("covariance: [[2.0, 0.5], [0.5, 1.0]]", new double[2], new double[][] {{2, 0.5},
            {0.5, 1}});
    }

    @Test
    void everyFormMeetsTheNoiseContract() {
        // the contract: log q of samples equals logProb; density integrates to 1 on [-12, 12]^2 (600^2 midpoints)
        for (String yaml : new String[] {"std: 2.0", "stds: [1.0, 3.0]", "covariance: [[2.0, 0.5], [0.5, 1.0]]",
            "fit: data", "fit: data\nfull_covariance: false\nscale: 1.5"}) {
            // the widest is 4.5 sd (3 x 1.5) across 12: mass outside 7e-6, midpoint error ~h^2/24 = 7e-5: 1e-3
            Contracts.noise("gaussian " + yaml, plugin, Contracts.bind(plugin, yaml), DATA, 1e-3);
        }
    }

    /** Mean and (biased) covariance of n noise samples. */
    double[][] moments(NoiseModel q, int n) {
        float[] x;
        try (NDManager m = manager.newSubManager()) {
            x = q.sample(m, n, new Random(8)).x().toFloatArray();
        }
        Matrix s = new Matrix(x, n, 2);
        double[][] c = s.covariance();
        double[] mean = s.columnMeans();
        return new double[][] {mean, c[0], c[1]};
    }

    @Test
    void aFittedNoiseHasTheDatasMeanAndCovariance() {
        int n = 200_000;
        double[] m = DATA.columnMeans();
        double[][] c = DATA.covariance();
        double[][] got = moments(noise("fit: data"), n);
        for (int i = 0; i < 2; i++) {
            // 5 standard errors of a mean of n draws, sqrt(C_ii / n) (normal approximation: 6e-7 false alarms)
            assertEquals(m[i], got[0][i], 5 * Math.sqrt(c[i][i] / n), "mean " + i);
            for (int j = 0; j < 2; j++) {
                // the standard error of a Gaussian sample covariance is sqrt((C_ii C_jj + C_ij^2) / n)
                assertEquals(c[i][j], got[1 + i][j], 5 * Math.sqrt((c[i][i] * c[j][j] + c[i][j] * c[i][j]) / n),
                        "covariance " + i + j);
            }
        }
        // and the data are those of N(MU, SIGMA): 20,000 rows, same error bounds
        for (int i = 0; i < 2; i++) {
            assertEquals(MU[i], m[i], 5 * Math.sqrt(SIGMA[i][i] / DATA.rows()));
        }
        double[][] diag = moments(noise("fit: data\nfull_covariance: false\nscale: 2.0"), n);
        // the off-diagonal is dropped (true value 0) and each standard deviation doubled (variance x 4)
        assertEquals(0, diag[1][1], 5 * Math.sqrt(4 * c[0][0] * 4 * c[1][1] / n));
        for (int i = 0; i < 2; i++) {
            assertEquals(4 * c[i][i], diag[1 + i][i], 5 * Math.sqrt(2 * 16 * c[i][i] * c[i][i] / n), "variance " + i);
            assertEquals(m[i], diag[0][i], 5 * Math.sqrt(4 * c[i][i] / n));
        }
    }

    @Test
    void valuesOfTheWrongSizeOrShapeAreRefusedWithTheFix() {
        ConfigException stds = assertThrows(ConfigException.class, () -> noise("stds: [1, 2, 3]"));
        assertTrue(stds.getMessage().contains("noise.stds: expected 2 values (the data has 2 coordinates), found 3"),
                stds.getMessage());
        ConfigException pd = assertThrows(ConfigException.class, () -> noise("covariance: [[1, 2], [2, 1]]"));
        assertTrue(pd.getMessage().contains("noise.covariance") && pd.getMessage().contains("positive-definite"),
                pd.getMessage());
        ConfigException square = assertThrows(ConfigException.class, () -> Contracts.bind(plugin,
                "covariance: [[1, 0], [0]]"));
        assertTrue(square.getMessage().contains("square"), square.getMessage());
    }
}
