package dev.ncelab.plugins.models;

import dev.ncelab.core.plugin.Plugin;
import dev.ncelab.core.model.EnergyModel;
import dev.ncelab.core.model.ParameterSet;
import dev.ncelab.core.plugin.PluginContext;

/** {@code energy: {type: mlp}}. */
public final class MlpPlugin implements Plugin<MlpConfig, EnergyModel> {
    @Override
    public Class<MlpConfig> configType() {
        return MlpConfig.class;
    }

    @Override
    public String doc() {
        return "MLP energy, log p(x) = -f(x) - c with c learned (17,026 parameters in 2-D with the defaults)";
    }

    @Override
    public EnergyModel create(MlpConfig config, PluginContext context) {
        return new MlpEnergy(config, context.dimension(), new ParameterSet(context.manager()),
                context.random("init-energy"));
    }
}
