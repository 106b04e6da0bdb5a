package dev.ncelab.examples.gmm;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the {@code gmm} noise. Listed in {@code META-INF/services/dev.ncelab.core.plugin.PluginModule}. */
public final class GmmModule extends PluginModule {
    @Override
    protected void configure() {
        noise("gmm", GmmPlugin.class);
    }
}
