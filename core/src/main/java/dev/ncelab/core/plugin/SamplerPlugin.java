package dev.ncelab.core.plugin;

import dev.ncelab.core.model.NoiseModel;
import dev.ncelab.core.sample.Sampler;

/**
 * A plugin of kind {@link PluginKind#SAMPLER}: makes a {@link Sampler}.
 *
 * <p>[issue-13] A minimal marker, following the other kinds; the open plugin kinds of issue 12 replace it.
 */
public interface SamplerPlugin<C extends Record> extends Plugin<C, Sampler> {
    /**
     * Creates a sampler that may start its chains from the run's noise model ({@code null} when there is none).
     * By default the noise model is not used.
     */
    default Sampler create(C config, PluginContext context, NoiseModel noise) {
        return create(config, context);
    }

    /** {@link #create(Record, PluginContext, NoiseModel)} from a configuration bound to this plugin's record. */
    default Sampler createUnchecked(Record config, PluginContext context, NoiseModel noise) {
        return create(configType().cast(config), context, noise);
    }
}
