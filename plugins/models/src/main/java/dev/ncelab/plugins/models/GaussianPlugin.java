package dev.ncelab.plugins.models;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.config.ConfigException;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;
import java.util.List;

/** {@code noise: {type: gaussian}}: fixed, given or fitted to the training data. */
public final class GaussianPlugin implements Plugin<GaussianConfig, NoiseModel> {
    @Override
    public Class<GaussianConfig> configType() {
        return GaussianConfig.class;
    }

    @Override
    public String doc() {
        return "fixed Gaussian noise: isotropic, diagonal or full covariance, or fitted to the data (fit: data)";
    }

    @Override
    public NoiseModel create(GaussianConfig c, PluginContext context) {
        int d = context.dimension();
        double[] mean = new double[d];
        double[][] cov = new double[d][d];
        if (c.fit() == GaussianConfig.Fit.DATA) {
            Matrix data = context.trainingData();
            mean = data.columnMeans();
            cov = data.covariance();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] = (c.fullCovariance() || i == j ? cov[i][j] : 0) * c.scale() * c.scale();
                }
                cov[i][i] += 1e-6;
            }
        } else {
            if (c.mean() != null) {
                check(c.mean().size() == d, "noise.mean", c.mean().size(), d);
                mean = c.mean().stream().mapToDouble(Double::doubleValue).toArray();
            }
            if (c.covariance() != null) {
                check(c.covariance().size() == d, "noise.covariance", c.covariance().size(), d);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        cov[i][j] = c.covariance().get(i).get(j);
                    }
                }
            } else {
                List<Double> stds = c.stds();
                if (stds != null) {
                    check(stds.size() == d, "noise.stds", stds.size(), d);
                }
                for (int i = 0; i < d; i++) {
                    double s = stds != null ? stds.get(i) : c.std();
                    cov[i][i] = s * s;
                }
            }
        }
        try {
            return new GaussianNoise(mean, cov, context.manager());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("", "noise.covariance", e.getMessage()
                    + ": give a symmetric positive-definite matrix");
        }
    }

    private static void check(boolean ok, String key, int found, int d) {
        if (!ok) {
            throw new ConfigException("", key, "expected " + d + " values (the data has " + d + " coordinates), found "
                    + found);
        }
    }
}
