package dev.ncelab.plugins.flows;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.plugin.PluginContext;

/** {@code maf}: a masked autoregressive flow as trainable noise (FCE's {@code --flow maf}); see {@link Maf}. */
public final class MafPlugin implements Plugin<MafConfig, NoiseModel> {
    @Override
    public Class<MafConfig> configType() {
        return MafConfig.class;
    }

    @Override
    public String doc() {
        return "masked autoregressive flow (MADE blocks, reversed orders), trainable noise for flow contrastive"
                + " estimation";
    }

    @Override
    public NoiseModel create(MafConfig config, PluginContext context) {
        return Defensive.wrap(new Maf(context.dimension(), config.blocks(), config.hidden(), config.nHidden(),
                config.pretrainSteps(), config.maxLogScale(), context.manager(), context.random("init-noise")),
                config.defensive(), config.defensiveStd());
    }
}
