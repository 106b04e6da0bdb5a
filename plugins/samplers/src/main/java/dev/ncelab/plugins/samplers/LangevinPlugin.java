package dev.ncelab.plugins.samplers;

import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;
import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.plugin.PluginKind;
import dev.ncelab.core.sample.Sampler;

/** {@code sampler: {type: langevin}}: see {@link LangevinSampler}. */
public final class LangevinPlugin implements Plugin<LangevinConfig, Sampler> {
    @Override
    public Class<LangevinConfig> configType() {
        return LangevinConfig.class;
    }

    @Override
    public String doc() {
        return "Langevin dynamics on the EBM (step size, steps, noise scale, clipping; starts from the noise model,"
                + " a box or a persistent replay buffer)";
    }

    @Override
    public Sampler create(LangevinConfig config, PluginContext context) {
        return create(config, context, context.optional(PluginKind.NOISE, NoiseModel.class).orElse(null));
    }

    /** A sampler that may start its chains from a noise model (null: none). */
    public Sampler create(LangevinConfig config, PluginContext context, NoiseModel noise) {
        int d = context.dimension();
        double[] lo = new double[d];
        double[] hi = new double[d];
        if (config.box() != null) {
            java.util.Arrays.fill(lo, config.box().get(0));
            java.util.Arrays.fill(hi, config.box().get(1));
        } else {
            Matrix data = null;
            try {
                data = context.trainingData();
            } catch (IllegalStateException e) {
                // no data set: the reference window
            }
            for (int j = 0; j < d; j++) {
                lo[j] = -4;
                hi[j] = 4;
            }
            if (data != null && data.rows() > 0) {
                for (int j = 0; j < d; j++) {
                    double a = Double.POSITIVE_INFINITY;
                    double b = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < data.rows(); i++) {
                        a = Math.min(a, data.get(i, j));
                        b = Math.max(b, data.get(i, j));
                    }
                    double pad = b > a ? 0.1 * (b - a) : 1;
                    lo[j] = a - pad;
                    hi[j] = b + pad;
                }
            }
        }
        return new LangevinSampler(config, lo, hi, noise);
    }
}
