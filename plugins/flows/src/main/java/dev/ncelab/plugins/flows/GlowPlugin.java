package dev.ncelab.plugins.flows;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.data.Matrix;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;

/**
 * {@code glow}: a Glow flow as trainable noise (FCE's default {@code --flow glow}); see {@link Glow}. Its ActNorms
 * are initialised at creation from a seeded sample of {@value Glow#INIT_ROWS} training rows (stream
 * "init-actnorm").
 */
public final class GlowPlugin implements Plugin<GlowConfig, NoiseModel> {
    @Override
    public Class<GlowConfig> configType() {
        return GlowConfig.class;
    }

    @Override
    public String doc() {
        return "Glow flow (ActNorm, LU-parametrised invertible linear map, affine coupling), trainable noise for"
                + " flow contrastive estimation";
    }

    @Override
    public NoiseModel create(GlowConfig config, PluginContext context) {
        return Defensive.wrap(new Glow(context.dimension(), config.width(), config.depth(), config.levels(),
                config.pretrainSteps(), context.manager(), context.random("init-noise"), initData(context)),
                config.defensive(), config.defensiveStd());
    }

    /** A seeded sample of training rows, or null when the context has no training data. */
    static Matrix initData(PluginContext context) {
        Matrix data;
        try {
            data = context.trainingData();
        } catch (IllegalStateException e) {
            return null;
        }
        if (data == null || data.rows() == 0) {
            return null;
        }
        return data.sample(Glow.INIT_ROWS, context.random("init-actnorm"));
    }
}
