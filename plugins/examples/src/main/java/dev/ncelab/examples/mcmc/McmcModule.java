package dev.ncelab.examples.mcmc;

import dev.ncelab.core.plugin.PluginModule;

/**
 * Registers the example jar's {@code metropolis} sampler, {@code simple-cd} objective and {@code threshold-decay}
 * schedule: a sampler, an objective and a schedule that core and the runners know nothing about.
 */
public final class McmcModule extends PluginModule {
    @Override
    protected void configure() {
        sampler("metropolis", McmcPlugins.Metropolis.class);
        objective("simple-cd", McmcPlugins.SimpleCd.class);
        schedule("threshold-decay", McmcPlugins.Decay.class);
    }
}
