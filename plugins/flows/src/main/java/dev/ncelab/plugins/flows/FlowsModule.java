package dev.ncelab.plugins.flows;

import dev.ncelab.core.plugin.PluginModule;

/** Registers the normalising flows as noise models: {@code maf} and {@code glow}. */
public final class FlowsModule extends PluginModule {
    @Override
    protected void configure() {
        noise("maf", MafPlugin.class);
        noise("glow", GlowPlugin.class);
    }
}
