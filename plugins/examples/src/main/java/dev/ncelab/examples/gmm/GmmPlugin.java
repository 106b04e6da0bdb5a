package dev.ncelab.examples.gmm;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;
import java.util.Random;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code noise: {type: gmm}}: a Gaussian mixture fitted to the training data by EM when the run starts
 * (k-means++ initialisation from the {@code init-noise} stream), then fixed.
 */
public final class GmmPlugin implements Plugin<GmmConfig, NoiseModel> {
    private static final Logger LOG = LogManager.getLogger(GmmPlugin.class);

    @Override
    public Class<GmmConfig> configType() {
        return GmmConfig.class;
    }

    @Override
    public String doc() {
        return "fixed Gaussian mixture noise, fitted to the training data by EM (full or diagonal covariances)";
    }

    @Override
    public NoiseModel create(GmmConfig c, PluginContext context) {
        Random random = context.random("init-noise");
        double[][] rows = subsample(context.trainingData(), c.maxFitRows(), random);
        if (rows.length < c.components()) {
            throw new ConfigException("", "noise.components", "expected at most " + rows.length
                    + " components (one per training row), found " + c.components());
        }
        GmmFit.Result fit;
        try {
            fit = GmmFit.fit(rows, c.components(), c.iterations(), c.covariance() == GmmConfig.Covariance.DIAGONAL,
                    c.regularization(), c.restarts(), random);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("", "noise.regularization", e.getMessage() + " (found " + c.regularization()
                    + "): raise noise.regularization");
        }
        LOG.info("gmm noise: {} components fitted on {} rows in {} EM iterations ({}), mean log-likelihood {}",
                c.components(), rows.length, fit.iterations(), fit.converged() ? "converged" : "iteration limit",
                String.format(java.util.Locale.ROOT, "%.4f", fit.meanLogLikelihood()));
        return new GmmNoise(fit.mixture(), context.manager());
    }

    /** All rows, or a seeded random subset of {@code max} rows (without replacement). */
    static double[][] subsample(Matrix data, int max, Random random) {
        int n = data.rows();
        int m = Math.min(n, max);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        if (m < n) {
            for (int i = 0; i < m; i++) { // partial Fisher-Yates
                int j = i + random.nextInt(n - i);
                int t = index[i];
                index[i] = index[j];
                index[j] = t;
            }
        }
        double[][] rows = new double[m][];
        for (int i = 0; i < m; i++) {
            rows[i] = data.row(index[i]);
        }
        return rows;
    }
}
