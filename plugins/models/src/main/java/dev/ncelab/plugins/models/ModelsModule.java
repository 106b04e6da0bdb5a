package dev.ncelab.plugins.models;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the MLP energy and the Gaussian noise. */
public final class ModelsModule extends PluginModule {
    @Override
    protected void configure() {
        energy("mlp", MlpPlugin.class);
        noise("gaussian", GaussianPlugin.class);
    }
}
