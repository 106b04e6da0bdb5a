package dev.ncelab.plugins.samplers;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the Langevin sampler. */
public final class SamplersModule extends PluginModule {
    @Override
    protected void configure() {
        sampler("langevin", LangevinPlugin.class);
    }
}
